"""A watched folder, for scanners whose own software saves each page to a folder.

Polling, not inotify/ReadDirectoryChangesW: no dependency, works on network shares, and a test
drives it by calling `poll()` itself. A file counts as a page once its size and modification
time are the same at two polls in a row (the scanner software has finished writing it) and
its first bytes say it is an image or a PDF. Files already there when watching starts are
not pages.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from app.services.documents import detect_type
from app.services.scanning.base import (
    CancelCheck,
    DeviceInfo,
    PageCallback,
    ScanFailedError,
    ScanSettings,
    page_name,
)

logger = logging.getLogger(__name__)

_SUFFIX = {"jpeg": ".jpg", "png": ".png", "tiff": ".tif", "bmp": ".bmp", "pdf": ".pdf"}
_Signature = tuple[int, int]  # size, mtime in ns


class FolderWatcher:
    """Finds the files that appeared in a folder since it started and have finished writing."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._seen: set[Path] = set(self._listing())
        self._pending: dict[Path, _Signature] = {}

    def _listing(self) -> dict[Path, _Signature]:
        found: dict[Path, _Signature] = {}
        try:
            entries = list(self.folder.iterdir())
        except OSError as exc:
            raise ScanFailedError(
                f"无法读取扫描文件夹“{self.folder}”：{exc.strerror or exc}", code="NO_DEVICE"
            ) from exc
        for entry in entries:
            if entry.name.startswith(".") or entry.name.endswith((".tmp", ".part", ".crdownload")):
                continue
            try:
                stat = entry.stat()
            except OSError:
                continue  # vanished between listing and stat
            if entry.is_file():
                found[entry] = (stat.st_size, stat.st_mtime_ns)
        return found

    def poll(self) -> list[Path]:
        """New finished image/PDF files since the last poll, oldest first."""
        listing = self._listing()
        ready: list[Path] = []
        for path, signature in listing.items():
            if path in self._seen:
                continue
            if signature[0] > 0 and self._pending.get(path) == signature:
                self._seen.add(path)
                del self._pending[path]
                if _is_page(path):
                    ready.append(path)
                else:
                    logger.info("watched folder: ignoring %s (not an image or PDF)", path.name)
            else:
                self._pending[path] = signature
        for gone in set(self._pending) - set(listing):
            del self._pending[gone]
        return sorted(ready, key=lambda path: (listing[path][1], path.name))


def _is_page(path: Path) -> bool:
    try:
        return detect_type(path) is not None
    except OSError:
        return False


class FolderScanner:
    """The watched folder as a scanner: each finished file becomes a page (a copy)."""

    kind = "folder"

    def __init__(
        self,
        folder: Path,
        *,
        poll_seconds: float = 1.0,
        idle_seconds: float | None = None,
        wait: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.folder = folder
        self.poll_seconds = poll_seconds
        # After the first page, stop when nothing new came for this long (None: until cancel).
        self.idle_seconds = idle_seconds
        self._wait = wait
        self._clock = clock

    @property
    def device_id(self) -> str:
        return f"folder:{self.folder}"

    def list_devices(self) -> list[DeviceInfo]:
        if not self.folder.is_dir():
            return []
        return [
            DeviceInfo(
                id=self.device_id, vendor="", model=f"扫描文件夹 {self.folder}", kind=self.kind
            )
        ]

    def scan(
        self,
        settings: ScanSettings,
        out_dir: Path,
        on_page: PageCallback,
        cancelled: CancelCheck,
    ) -> list[Path]:
        """Collect pages until cancelled (the clerk's 完成) or idle after the first page."""
        if settings.device_id != self.device_id or not self.folder.is_dir():
            raise ScanFailedError(
                f"扫描文件夹“{self.folder}”不存在：请检查扫描软件的保存位置。", code="NO_DEVICE"
            )
        out_dir.mkdir(parents=True, exist_ok=True)
        watcher = FolderWatcher(self.folder)
        pages: list[Path] = []
        last_arrival = self._clock()
        while not cancelled():
            try:
                arrived = watcher.poll()
            except ScanFailedError as exc:
                raise ScanFailedError(exc.message, pages=pages, code=exc.code) from exc
            for source in arrived:
                kind = detect_type(source) or "pdf"
                page = out_dir / page_name(len(pages) + 1, _SUFFIX[kind])
                shutil.copyfile(source, page)
                pages.append(page)
                on_page(page)
                last_arrival = self._clock()
            idle = self._clock() - last_arrival
            if pages and self.idle_seconds is not None and idle >= self.idle_seconds:
                break
            self._wait(self.poll_seconds)
        return pages
