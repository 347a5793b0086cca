"""A material's pages on disk: the original files, their order and rotation (`pages.json`).

Each material of a pending list has a folder in the unit's attachments folder
(`list-<id>/<material>/`). Pages are added from files (a PDF or a multi-page TIFF becomes one
page each) or a scanner, reordered, rotated and removed here; `attachments.py` builds the
material's PDF from the folder and records it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from PIL import Image, ImageSequence, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from app.errors import BadInputError, StorageError
from app.services.documents import SUPPORTED_TEXT, detect_type

logger = logging.getLogger(__name__)

PAGES_FILE = "pages.json"
SCANNED = "扫描"

_folder_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_for(folder: Path) -> threading.Lock:
    with _locks_guard:
        return _folder_locks.setdefault(folder.resolve(), threading.Lock())


def folder_name(material: str) -> str:
    """A folder name for a material: its own name, minus what a file system refuses."""
    safe = "".join(ch if ch.isalnum() or ch in "-_（）()" else "_" for ch in material).strip("_")
    return safe or "material"


# -- pages ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredPage:
    """One page of a material: its file (in the material's folder), turn and where it came from."""

    file: str
    rotation: int = 0
    origin: str = ""  # the file the clerk added, or "扫描"

    def rotated(self, degrees: int) -> StoredPage:
        return StoredPage(self.file, (self.rotation + degrees) % 360, self.origin)


@dataclass(frozen=True)
class ImportResult:
    """Pages added from files, and a message for each file refused (naming it)."""

    added: list[StoredPage]
    refused: list[str]


class MaterialPages:
    """The pages of one material of one pending list. Safe to use from a worker thread."""

    def __init__(self, folder: Path, material: str) -> None:
        self.folder = folder
        self.material = material
        self._lock = _lock_for(folder)

    def path(self, page: StoredPage) -> Path:
        return self.folder / page.file

    def pages(self) -> list[StoredPage]:
        """The pages in order; empty when none were added."""
        with self._lock:
            return self._read()

    def _read(self) -> list[StoredPage]:
        try:
            data = json.loads((self.folder / PAGES_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            raise StorageError(f"无法读取“{self.material}”的页面列表：{exc}") from exc
        return [StoredPage(**item) for item in data.get("pages", [])]

    def replace(self, pages: Sequence[StoredPage]) -> None:
        """Save a new order/rotation/selection of the pages (files are never deleted here)."""
        with self._lock:
            self._write(pages)

    def _write(self, pages: Sequence[StoredPage]) -> None:
        data = {"material": self.material, "pages": [asdict(page) for page in pages]}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".pages.", dir=self.folder)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False, indent=1)
            os.replace(tmp, self.folder / PAGES_FILE)
        except OSError as exc:
            raise StorageError(f"无法保存“{self.material}”的页面：{exc.strerror or exc}") from exc

    def import_files(self, files: Sequence[Path], *, origin: str | None = None) -> ImportResult:
        """Copy files in as pages (a PDF or TIFF page by page) after the ones already there.

        A file that is not JPEG/PNG/TIFF/BMP/PDF or is damaged is refused with a message
        naming it; the other files are still added.
        """
        added: list[StoredPage] = []
        refused: list[str] = []
        self.folder.mkdir(parents=True, exist_ok=True)
        for source in files:
            try:
                names = self._copy_in(Path(source))
            except BadInputError as exc:
                refused.append(exc.message)
                continue
            label = origin if origin is not None else Path(source).name
            added.extend(StoredPage(name, 0, label) for name in names)
        if added:
            with self._lock:
                self._write([*self._read(), *added])
        return ImportResult(added, refused)

    def _copy_in(self, source: Path) -> list[str]:
        name = source.name
        try:
            kind = detect_type(source)
        except OSError as exc:
            raise BadInputError(f"无法读取文件“{name}”：{exc.strerror or exc}", field=name) from exc
        if kind is None:
            raise BadInputError(
                f"文件“{name}”不是支持的格式：请使用 {SUPPORTED_TEXT} 文件。", field=name
            )
        try:
            names = self._copy_pdf(source) if kind == "pdf" else self._copy_image(source, kind)
            if os.name == "posix":  # a scanned ID card is for its owner's eyes only
                for page_name in names:
                    (self.folder / page_name).chmod(0o600)
            return names
        except OSError as exc:
            raise StorageError(f"无法保存页面“{name}”：{exc.strerror or exc}") from exc

    def _new_name(self, suffix: str) -> str:
        return f"p-{uuid.uuid4().hex[:12]}{suffix}"

    def _copy_image(self, source: Path, kind: str) -> list[str]:
        try:
            with Image.open(source) as image:
                frames: list[Image.Image | None] = []
                for frame in ImageSequence.Iterator(image):
                    frame.load()
                    frames.append(frame.copy() if kind == "tiff" else None)
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
            raise _corrupt(source) from exc
        if len(frames) > 1:  # a multi-page TIFF: each frame its own page, kept lossless
            names = []
            for copy in frames:
                assert copy is not None
                name = self._new_name(".png")
                dpi = copy.info.get("dpi")
                copy.save(self.folder / name, format="PNG", **({"dpi": dpi} if dpi else {}))
                names.append(name)
            return names
        suffix = {"jpeg": ".jpg", "png": ".png", "tiff": ".tif", "bmp": ".bmp"}[kind]
        name = self._new_name(suffix)
        shutil.copyfile(source, self.folder / name)
        return [name]

    def _copy_pdf(self, source: Path) -> list[str]:
        try:
            reader = PdfReader(source)
            if reader.is_encrypted:
                raise BadInputError(
                    f"PDF 文件“{source.name}”已加密：请提供未加密的文件。", field=source.name
                )
            count = len(reader.pages)
            if count == 0:
                raise BadInputError(f"PDF 文件“{source.name}”没有页面。", field=source.name)
            if count == 1:
                name = self._new_name(".pdf")
                shutil.copyfile(source, self.folder / name)
                return [name]
            names = []
            for page in reader.pages:
                writer = PdfWriter()
                writer.add_page(page)
                name = self._new_name(".pdf")
                with open(self.folder / name, "wb") as handle:
                    writer.write(handle)
                names.append(name)
            return names
        except (PyPdfError, ValueError, KeyError, TypeError) as exc:
            raise _corrupt(source) from exc


def _corrupt(path: Path) -> BadInputError:
    return BadInputError(
        f"文件“{path.name}”已损坏或无法识别，请重新扫描或换一个文件。", field=path.name
    )
