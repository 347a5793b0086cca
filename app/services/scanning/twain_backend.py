"""TWAIN on Windows through pytwain, for feeder scanners whose driver offers only TWAIN.

Named `twain_backend` so it never shadows pytwain's own `twain` module. pytwain is imported
only when a source manager is made; on Linux this runs only in tests, against fakes.
TWAIN wants a parent window handle: the panel passes its window id as `parent_window`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.services.scanning.base import (
    CancelCheck,
    ColourMode,
    DeviceInfo,
    PageCallback,
    ScanFailedError,
    ScanSettings,
    Source,
    page_name,
)

logger = logging.getLogger(__name__)

# TWAIN capability ids and values (twain.h); pytwain exposes the same names.
CAP_FEEDERENABLED = 0x1002
CAP_FEEDERLOADED = 0x1003
CAP_AUTOFEED = 0x1007
CAP_DUPLEX = 0x1012
CAP_DUPLEXENABLED = 0x1013
ICAP_PIXELTYPE = 0x0101
ICAP_XRESOLUTION = 0x1118
ICAP_YRESOLUTION = 0x1119
TWTY_BOOL = 0x0006
TWTY_UINT16 = 0x0004
TWTY_FIX32 = 0x0007
TWPT_BW, TWPT_GRAY, TWPT_RGB = 0, 1, 2
_PIXEL_TYPES = {
    ColourMode.BLACK_WHITE: TWPT_BW,
    ColourMode.GREY: TWPT_GRAY,
    ColourMode.COLOUR: TWPT_RGB,
}

# pytwain raises one exception class per TWAIN condition; matched by name so that the
# mapping does not depend on which pytwain version is installed.
_BY_EXCEPTION_NAME = (
    ("PaperJam", "JAMMED", "扫描仪卡纸：请打开进纸器取出卡住的纸张后重新扫描。"),
    ("DoubleFeed", "JAMMED", "扫描仪检测到双张进纸：请整理纸张后重新扫描。"),
    ("Cancelled", "CANCELLED", "扫描已在扫描仪驱动中取消。"),
    ("NotFound", "NO_DEVICE", "扫描仪不存在或已断开：请检查连接和电源。"),
    ("Closed", "NO_DEVICE", "扫描仪不存在或已断开：请检查连接和电源。"),
    ("Busy", "DEVICE_BUSY", "扫描仪设备忙：可能有其他程序正在使用它，请稍后再试。"),
    ("SeqError", "DEVICE_BUSY", "扫描仪设备忙：可能有其他程序正在使用它，请稍后再试。"),
)
_NO_DOCS = "进纸器无纸：请在自动进纸器中放入要扫描的纸张。"


def _pytwain_manager(parent_window: Any) -> Any:
    import twain  # Windows only; imported late on purpose

    return twain.SourceManager(parent_window)


def _pytwain_dib_to_bmp(handle: Any) -> bytes:
    import twain

    try:
        return bytes(twain.dib_to_bm_file(handle))
    finally:
        twain.global_handle_free(handle)


class TwainScanner:
    """Scanners the TWAIN data source manager lists."""

    kind = "twain"

    def __init__(
        self,
        parent_window: Any = None,
        manager_factory: Callable[[Any], Any] | None = None,
        dib_to_bmp: Callable[[Any], bytes] | None = None,
    ) -> None:
        self.parent_window = parent_window
        self._manager_factory = manager_factory or _pytwain_manager
        self._dib_to_bmp = dib_to_bmp or _pytwain_dib_to_bmp

    def list_devices(self) -> list[DeviceInfo]:
        try:
            manager = self._manager_factory(self.parent_window)
            names = list(manager.source_list)
        except Exception as exc:  # no TWAIN DSM installed: no devices, not a crash
            logger.warning("TWAIN source manager unavailable: %s", exc)
            return []
        devices = []
        for name in names:
            identity: dict[str, Any] = {}
            sources, duplex = [Source.FLATBED], False
            try:
                source = manager.open_source(name)
                try:
                    identity = dict(getattr(source, "identity", {}) or {})
                    if _capability(source, CAP_FEEDERENABLED) is not None:
                        sources.append(Source.ADF)
                    duplex = bool(_capability(source, CAP_DUPLEX))
                    if duplex:
                        sources.append(Source.ADF_DUPLEX)
                finally:
                    source.close()
            except Exception as exc:
                logger.warning("cannot open TWAIN source %s: %s", name, exc)
            devices.append(
                DeviceInfo(
                    id=str(name),
                    vendor=str(identity.get("Manufacturer", "")),
                    model=str(identity.get("ProductName", name)),
                    kind=self.kind,
                    sources=sources,
                    resolutions=[100, 150, 200, 300, 400, 600],
                    modes=list(ColourMode),
                    duplex=duplex,
                )
            )
        return devices

    def scan(
        self,
        settings: ScanSettings,
        out_dir: Path,
        on_page: PageCallback,
        cancelled: CancelCheck,
    ) -> list[Path]:
        """Native transfers until the source says no more images are pending."""
        out_dir.mkdir(parents=True, exist_ok=True)
        pages: list[Path] = []
        source = None
        try:
            manager = self._manager_factory(self.parent_window)
            source = manager.open_source(settings.device_id)
            if source is None:
                raise ScanFailedError(_BY_EXCEPTION_NAME[3][2], code="NO_DEVICE")
            self._configure(source, settings)
            source.request_acquire(show_ui=False, modal_ui=False)
            more = 1
            while more and not cancelled():
                handle, more = source.xfer_image_natively()
                page = out_dir / page_name(len(pages) + 1, ".bmp")
                page.write_bytes(self._dib_to_bmp(handle))
                pages.append(page)
                on_page(page)
        except ScanFailedError as exc:
            exc.pages = pages
            raise
        except Exception as exc:
            raise _failure(exc, pages) from exc
        finally:
            if source is not None:
                _close_quietly(source)
        return pages

    def _configure(self, source: Any, settings: ScanSettings) -> None:
        feeder = settings.source.is_feeder
        duplex = settings.duplex or settings.source is Source.ADF_DUPLEX
        source.set_capability(ICAP_PIXELTYPE, TWTY_UINT16, _PIXEL_TYPES[settings.mode])
        source.set_capability(ICAP_XRESOLUTION, TWTY_FIX32, float(settings.dpi))
        source.set_capability(ICAP_YRESOLUTION, TWTY_FIX32, float(settings.dpi))
        if feeder or _capability(source, CAP_FEEDERENABLED) is not None:
            source.set_capability(CAP_FEEDERENABLED, TWTY_BOOL, feeder)
        if feeder:
            source.set_capability(CAP_AUTOFEED, TWTY_BOOL, True)
            if duplex:
                source.set_capability(CAP_DUPLEXENABLED, TWTY_BOOL, True)
            if _capability(source, CAP_FEEDERLOADED) is False:
                raise ScanFailedError(_NO_DOCS, code="NO_DOCS")


def _capability(source: Any, cap: int) -> Any:
    """The current value of a capability, or None when the source does not offer it."""
    try:
        value = source.get_capability_current(cap)
    except Exception:
        return None
    return value


def _close_quietly(source: Any) -> None:
    try:
        source.close()
    except Exception as exc:
        logger.debug("closing TWAIN source failed: %s", exc)


def _failure(exc: BaseException, pages: list[Path]) -> ScanFailedError:
    name = type(exc).__name__
    code, message = "UNKNOWN", f"扫描失败：{exc or name}"
    for fragment, found_code, found_message in _BY_EXCEPTION_NAME:
        if fragment in name:
            code, message = found_code, found_message
            break
    if pages:
        message += f"已扫描的 {len(pages)} 页已保留。"
    logger.warning("TWAIN scan failed (%s): %s", name, exc)
    return ScanFailedError(message, pages=pages, code=code)
