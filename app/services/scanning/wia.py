"""WIA 2.0 on Windows, through the WIA Automation Layer (`WIA.DeviceManager`) and comtypes.

comtypes is imported only when a manager is made, so this module imports on any platform; on
Linux it runs only in tests, against fakes of the COM objects.
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

WIA_DEVICE_TYPE_SCANNER = 1
# Device property ids (wiadef.h)
WIA_DIP_DEV_NAME = 7
WIA_DIP_VEND_DESC = 3
WIA_DPS_DOCUMENT_HANDLING_CAPABILITIES = 3086
WIA_DPS_DOCUMENT_HANDLING_STATUS = 3087
WIA_DPS_DOCUMENT_HANDLING_SELECT = 3088
WIA_DPS_PAGES = 3096
# Item property ids
WIA_IPS_CUR_INTENT = 6146
WIA_IPS_XRES = 6147
WIA_IPS_YRES = 6148
WIA_IPA_DATATYPE = 4103
# WIA_DPS_DOCUMENT_HANDLING_* flags
FEEDER = 0x001
FLATBED = 0x002
DUPLEX = 0x004
FEED_READY = 0x001
# WIA_IPA_DATATYPE values and intents
WIA_DATA_THRESHOLD = 0
WIA_DATA_GRAYSCALE = 2
WIA_DATA_COLOR = 3
WIA_INTENT_IMAGE_TYPE_COLOR = 1
WIA_INTENT_IMAGE_TYPE_GRAYSCALE = 2
WIA_INTENT_IMAGE_TYPE_TEXT = 4
WIA_FORMAT_PNG = "{B96B3CAF-0728-11D3-9D7B-0000F81EF32E}"

# HRESULTs (wiadef.h), as the signed 32-bit numbers COM errors carry.
WIA_ERROR_GENERAL_ERROR = 0x80210001
WIA_ERROR_PAPER_JAM = 0x80210002
WIA_ERROR_PAPER_EMPTY = 0x80210003
WIA_ERROR_PAPER_PROBLEM = 0x80210004
WIA_ERROR_OFFLINE = 0x80210005
WIA_ERROR_BUSY = 0x80210006
WIA_ERROR_WARMING_UP = 0x80210007
WIA_ERROR_USER_INTERVENTION = 0x80210008
WIA_ERROR_ITEM_DELETED = 0x80210009
WIA_ERROR_DEVICE_COMMUNICATION = 0x8021000A
WIA_ERROR_COVER_OPEN = 0x80210016
WIA_ERROR_DEVICE_LOCKED = 0x8021000D
WIA_S_NO_DEVICE_AVAILABLE = 0x80210015

_MESSAGES = {
    WIA_ERROR_PAPER_JAM: ("JAMMED", "扫描仪卡纸：请打开进纸器取出卡住的纸张后重新扫描。"),
    WIA_ERROR_PAPER_EMPTY: ("NO_DOCS", "进纸器无纸：请在自动进纸器中放入要扫描的纸张。"),
    WIA_ERROR_PAPER_PROBLEM: ("JAMMED", "进纸出错：请整理纸张后重新放入进纸器。"),
    WIA_ERROR_OFFLINE: ("NO_DEVICE", "扫描仪不存在或已断开：请检查连接和电源。"),
    WIA_ERROR_BUSY: ("DEVICE_BUSY", "扫描仪设备忙：可能有其他程序正在使用它，请稍后再试。"),
    WIA_ERROR_DEVICE_LOCKED: ("DEVICE_BUSY", "扫描仪被锁定：请关闭其他扫描程序后再试。"),
    WIA_ERROR_WARMING_UP: ("DEVICE_BUSY", "扫描仪正在预热：请稍等片刻再扫描。"),
    WIA_ERROR_USER_INTERVENTION: (
        "USER_INTERVENTION",
        "扫描仪需要处理：请查看扫描仪面板上的提示。",
    ),
    WIA_ERROR_COVER_OPEN: ("COVER_OPEN", "扫描仪盖板打开：请合上盖板后重新扫描。"),
    WIA_ERROR_ITEM_DELETED: ("NO_DEVICE", "扫描仪已断开：请检查连接后刷新设备列表。"),
    WIA_ERROR_DEVICE_COMMUNICATION: ("IO_ERROR", "与扫描仪通信出错：请检查连接线和电源后重试。"),
    WIA_S_NO_DEVICE_AVAILABLE: ("NO_DEVICE", "扫描仪不存在或已断开：请检查连接和电源。"),
}
_RESOLUTIONS = (75, 100, 150, 200, 300, 400, 600)


def _comtypes_manager() -> Any:
    import comtypes  # noqa: F401  (Windows only; imported late on purpose)
    import comtypes.client

    return comtypes.client.CreateObject("WIA.DeviceManager")


def hresult_of(exc: BaseException) -> int | None:
    """The HRESULT of a COM error as an unsigned 32-bit number (comtypes.COMError or alike)."""
    value = getattr(exc, "hresult", None)
    if value is None and exc.args and isinstance(exc.args[0], int):
        value = exc.args[0]
    return None if value is None else int(value) & 0xFFFFFFFF


def _prop(properties: Any, prop_id: int) -> Any | None:
    for prop in properties:
        if int(prop.PropertyID) == prop_id:
            return prop
    return None


def _get(properties: Any, prop_id: int, default: Any = None) -> Any:
    prop = _prop(properties, prop_id)
    return default if prop is None else prop.Value


def _set(properties: Any, prop_id: int, value: Any) -> bool:
    prop = _prop(properties, prop_id)
    if prop is None:
        return False
    prop.Value = value
    return True


class WiaScanner:
    """Scanners Windows sees through WIA 2.0."""

    kind = "wia"

    def __init__(
        self,
        manager_factory: Callable[[], Any] | None = None,
        com_init: Callable[[], Any] | None = None,
    ) -> None:
        self._manager_factory = manager_factory or _comtypes_manager
        self._com_init = com_init  # CoInitialize for the worker thread; None in tests

    def _manager(self) -> Any:
        if self._com_init is not None:
            self._com_init()
        elif self._manager_factory is _comtypes_manager:
            import comtypes

            comtypes.CoInitialize()
        return self._manager_factory()

    def list_devices(self) -> list[DeviceInfo]:
        try:
            infos = self._manager().DeviceInfos
        except Exception as exc:  # no WIA service: no devices, not a crash
            logger.warning("WIA device manager unavailable: %s", exc)
            return []
        devices = []
        for index in range(1, int(infos.Count) + 1):
            info = infos.Item(index)
            if int(info.Type) != WIA_DEVICE_TYPE_SCANNER:
                continue
            sources, duplex = [Source.FLATBED], False
            try:
                device = info.Connect()
                caps = int(_get(device.Properties, WIA_DPS_DOCUMENT_HANDLING_CAPABILITIES, 0))
                sources = [
                    s
                    for s, flag in ((Source.FLATBED, FLATBED), (Source.ADF, FEEDER))
                    if caps & flag
                ] or [Source.FLATBED]
                duplex = bool(caps & DUPLEX)
                if duplex:
                    sources.append(Source.ADF_DUPLEX)
            except Exception as exc:
                logger.warning("cannot connect to WIA device %s: %s", info.DeviceID, exc)
            devices.append(
                DeviceInfo(
                    id=str(info.DeviceID),
                    vendor=str(_get(info.Properties, WIA_DIP_VEND_DESC, "")),
                    model=str(_get(info.Properties, WIA_DIP_DEV_NAME, "")),
                    kind=self.kind,
                    sources=sources,
                    resolutions=list(_RESOLUTIONS),
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
        """Flatbed: one transfer. Feeder: transfer until WIA says the feeder is empty."""
        out_dir.mkdir(parents=True, exist_ok=True)
        pages: list[Path] = []
        try:
            device = self._connect(settings.device_id)
            item = self._configure(device, settings)
            while not cancelled():
                if settings.source.is_feeder and pages and not self._feed_ready(device):
                    break
                image = item.Transfer(WIA_FORMAT_PNG)
                page = out_dir / page_name(len(pages) + 1, ".png")
                page.unlink(missing_ok=True)  # SaveFile refuses to overwrite
                image.SaveFile(str(page))
                pages.append(page)
                on_page(page)
                if not settings.source.is_feeder:
                    break
        except ScanFailedError as exc:
            exc.pages = pages
            raise
        except Exception as exc:
            code = hresult_of(exc)
            if code == WIA_ERROR_PAPER_EMPTY and pages and settings.source.is_feeder:
                return pages  # the feeder ran out after the last sheet: a finished batch
            raise _failure(code, exc, pages) from exc
        return pages

    def _connect(self, device_id: str) -> Any:
        infos = self._manager().DeviceInfos
        for index in range(1, int(infos.Count) + 1):
            info = infos.Item(index)
            if str(info.DeviceID) == device_id:
                return info.Connect()
        code, message = _MESSAGES[WIA_S_NO_DEVICE_AVAILABLE]
        raise ScanFailedError(message, code=code)

    def _configure(self, device: Any, settings: ScanSettings) -> Any:
        select = FLATBED
        if settings.source.is_feeder:
            select = FEEDER
            if settings.duplex or settings.source is Source.ADF_DUPLEX:
                select |= DUPLEX
        _set(device.Properties, WIA_DPS_DOCUMENT_HANDLING_SELECT, select)
        # 0 pages means "scan all" for a feeder; a flatbed gives one.
        _set(device.Properties, WIA_DPS_PAGES, 0 if settings.source.is_feeder else 1)
        if settings.source.is_feeder and not self._feed_ready(device):
            code, message = _MESSAGES[WIA_ERROR_PAPER_EMPTY]
            raise ScanFailedError(message, code=code)
        item = device.Items.Item(1)
        intent, data_type = {
            ColourMode.COLOUR: (WIA_INTENT_IMAGE_TYPE_COLOR, WIA_DATA_COLOR),
            ColourMode.GREY: (WIA_INTENT_IMAGE_TYPE_GRAYSCALE, WIA_DATA_GRAYSCALE),
            ColourMode.BLACK_WHITE: (WIA_INTENT_IMAGE_TYPE_TEXT, WIA_DATA_THRESHOLD),
        }[settings.mode]
        _set(item.Properties, WIA_IPS_CUR_INTENT, intent)
        _set(item.Properties, WIA_IPA_DATATYPE, data_type)
        _set(item.Properties, WIA_IPS_XRES, settings.dpi)
        _set(item.Properties, WIA_IPS_YRES, settings.dpi)
        for name, value in settings.extra_options.items():
            if name.isdigit():
                _set(item.Properties, int(name), value)
        return item

    @staticmethod
    def _feed_ready(device: Any) -> bool:
        status = _get(device.Properties, WIA_DPS_DOCUMENT_HANDLING_STATUS)
        return status is None or bool(int(status) & FEED_READY)


def _failure(code: int | None, exc: BaseException, pages: list[Path]) -> ScanFailedError:
    status, message = _MESSAGES.get(code or 0, ("UNKNOWN", f"扫描失败：{exc}"))
    if pages:
        message += f"已扫描的 {len(pages)} 页已保留。"
    logger.warning("WIA scan failed (0x%08X): %s", code or 0, exc)
    return ScanFailedError(message, pages=pages, code=status)
