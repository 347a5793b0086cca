"""Which scanner backends this computer has, and one scanner that speaks for all of them."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from app.services.scanning.base import (
    CancelCheck,
    DeviceInfo,
    PageCallback,
    ScanFailedError,
    Scanner,
    ScanSettings,
)

logger = logging.getLogger(__name__)


def available_backends(
    platform: str | None = None, watch_folder: Path | None = None
) -> list[Scanner]:
    """The backends for this platform: WIA then TWAIN on Windows, SANE elsewhere.

    A Windows backend whose library is missing is left out (logged); SANE is always offered
    because it reports no devices, rather than failing, when scanimage is absent.
    """
    platform = platform or sys.platform
    backends: list[Scanner] = []
    if platform == "win32":
        try:
            from app.services.scanning.wia import WiaScanner

            backends.append(WiaScanner())
        except ImportError as exc:
            logger.info("WIA not available: %s", exc)
        try:
            from app.services.scanning.twain_backend import TwainScanner

            backends.append(TwainScanner())
        except ImportError as exc:
            logger.info("TWAIN not available: %s", exc)
    else:
        from app.services.scanning.sane import SaneScanner

        backends.append(SaneScanner())
    if watch_folder is not None:
        from app.services.scanning.folder import FolderScanner

        backends.append(FolderScanner(watch_folder))
    return backends


class CombinedScanner:
    """Every backend's devices in one list; a scan goes to the backend that listed the device."""

    kind = "combined"

    def __init__(self, backends: list[Scanner]) -> None:
        self.backends = backends
        self._owner: dict[str, Scanner] = {}

    def list_devices(self) -> list[DeviceInfo]:
        devices: list[DeviceInfo] = []
        self._owner.clear()
        for backend in self.backends:
            try:
                found = backend.list_devices()
            except Exception:  # one broken driver must not hide the other scanners
                logger.exception("listing %s devices failed", backend.kind)
                continue
            for device in found:
                self._owner.setdefault(device.id, backend)
                devices.append(device)
        return devices

    def scan(
        self,
        settings: ScanSettings,
        out_dir: Path,
        on_page: PageCallback,
        cancelled: CancelCheck,
    ) -> list[Path]:
        if settings.device_id not in self._owner:
            self.list_devices()
        backend = self._owner.get(settings.device_id)
        if backend is None:
            raise ScanFailedError(
                "扫描仪不存在或已断开：请检查连接和电源，然后刷新设备列表。", code="NO_DEVICE"
            )
        return backend.scan(settings, out_dir, on_page, cancelled)


def default_scanner(
    platform: str | None = None, watch_folder: Path | None = None
) -> CombinedScanner:
    """The scanner the panel uses: all of this platform's backends behind one interface."""
    return CombinedScanner(available_backends(platform, watch_folder))
