"""Documents attached to a pending list: pages kept as files, one PDF per material.

Each material of a pending list has a folder in the unit's attachments folder
(`list-<id>/<material>/`) holding its page files and `pages.json`, the order and rotation of
the pages. The material's PDF is built from that folder. The page files are the originals:
they stay until the centre has accepted the submission, then `cleanup` removes them after the
number of days the clerk can see in `kept_originals`.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from PIL import Image, ImageSequence, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import paths
from app.errors import BadInputError, KnownError, StorageError
from app.models import Attachment, OutboxItem, Unit
from app.services import audit
from app.services.documents import SUPPORTED_TEXT, Page, build_pdf, detect_type
from app.services.policy import CentrePolicy
from app.services.scanning import ColourMode
from app.services.store import Store

logger = logging.getLogger(__name__)

# The policy's words for colour modes (policy.COLOUR_MODES) to the scanner's.
POLICY_MODES = {"color": ColourMode.COLOUR, "gray": ColourMode.GREY, "bw": ColourMode.BLACK_WHITE}
PAGES_FILE = "pages.json"
# Days the originals of an accepted submission are kept before cleanup removes them.
DEFAULT_KEEP_DAYS = 30
# Review states that mean the centre has accepted a submission.
ACCEPTED_REVIEW_STATES = ("审核通过", "已复核", "已使用")
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


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    material: str
    path: Path
    sha256: str
    size: int
    page_count: int
    uploaded: bool


def _info(a: Attachment) -> AttachmentInfo:
    return AttachmentInfo(
        a.id, a.material, Path(a.path), a.sha256, a.size, a.page_count, a.server_id is not None
    )


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
            if kind == "pdf":
                return self._copy_pdf(source)
            return self._copy_image(source, kind)
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


# -- what is kept, and its cleanup -----------------------------------------------------------


@dataclass(frozen=True)
class KeptOriginals:
    """One material's originals on this PC and when cleanup may remove them."""

    attachment_id: int
    business: str
    material: str
    list_id: int | None
    folder: Path | None
    bytes_on_disk: int
    state: str  # 未提交 / 待上传 / 待审核 / 已通过 / 已清理
    delete_on: date | None  # the day cleanup removes them (None: kept until accepted)


def _size_of(path: Path | None) -> int:
    if path is None or not path.exists():
        return 0
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


class AttachmentService:
    """Pages and the material's PDF for the open pending list; originals and their cleanup."""

    def __init__(self, store: Store, unit_id: int) -> None:
        self.store = store
        self.unit_id = unit_id

    def _folder(self) -> Path:
        with self.store.session() as session:
            code = session.get_one(Unit, self.unit_id).code
        return paths.attachments_dir(code)

    def list_folder(self, list_id: int) -> Path:
        return self._folder() / f"list-{list_id}"

    def pages_of(self, list_id: int, material: str) -> MaterialPages:
        """The page store of one material of a pending list."""
        return MaterialPages(self.list_folder(list_id) / folder_name(material), material)

    def add(
        self,
        business: str,
        list_id: int,
        material: str,
        pages: Sequence[Page | Path],
        policy: CentrePolicy,
    ) -> AttachmentInfo:
        """Build the material's PDF within the policy's limits and record it (replacing any)."""
        if material not in {m.name for m in policy.materials_for(business)}:
            raise BadInputError(f"“{material}”不是本业务需要的影像资料。")
        limits = policy.attachments
        out = self.list_folder(list_id) / f"{folder_name(material)}-{uuid.uuid4().hex[:12]}.pdf"
        document = build_pdf(
            list(pages),
            out,
            max_bytes=limits.max_bytes_per_document,
            target_dpi=limits.target_dpi,
            mode=POLICY_MODES.get(limits.colour_mode),
            name=material,
        )
        with self.store.session() as session:
            self._drop(session, list_id, material)
            row = Attachment(
                unit_id=self.unit_id,
                business=business,
                material=material,
                list_id=list_id,
                path=str(document.path),
                sha256=document.sha256,
                size=document.size,
                page_count=document.page_count,
            )
            session.add(row)
            session.flush()
            audit.record(
                session,
                "attachment.add",
                unit_id=self.unit_id,
                business=business,
                material=material,
                pages=document.page_count,
                size=document.size,
            )
            return _info(row)

    def _drop(self, session: Session, list_id: int, material: str) -> None:
        for old in session.scalars(
            select(Attachment).where(Attachment.list_id == list_id, Attachment.material == material)
        ):
            if old.server_id is not None:
                raise BadInputError(f"“{material}”已上传到中心，不能再修改。")
            session.delete(old)
            Path(old.path).unlink(missing_ok=True)  # a superseded PDF, never uploaded

    def build(
        self, business: str, list_id: int, material: str, policy: CentrePolicy
    ) -> AttachmentInfo | None:
        """(Re)build the material's PDF from its current pages; no pages, no document."""
        store = self.pages_of(list_id, material)
        pages = store.pages()
        if not pages:
            with self.store.session() as session:
                self._drop(session, list_id, material)
            return None
        try:
            return self.add(
                business,
                list_id,
                material,
                [Page(store.path(page), page.rotation) for page in pages],
                policy,
            )
        except KnownError:
            # A PDF of older pages must not stay behind to be submitted in their place.
            with self.store.session() as session:
                self._drop(session, list_id, material)
            raise

    def for_list(self, list_id: int) -> list[AttachmentInfo]:
        with self.store.session() as session:
            rows = session.scalars(
                select(Attachment).where(Attachment.list_id == list_id).order_by(Attachment.id)
            )
            return [_info(a) for a in rows]

    def remove(self, attachment_id: int) -> None:
        with self.store.session() as session:
            row = session.get(Attachment, attachment_id)
            if row is None or row.unit_id != self.unit_id:
                return
            if row.server_id is not None:
                raise BadInputError("该材料已上传到中心，不能删除。")
            session.delete(row)

    # -- originals: what is kept and when it goes -------------------------------------------

    def accepted_submissions(self) -> dict[int, datetime]:
        """Outbox ids the centre accepted, with the time their state last changed (UTC).

        The sync knows the exact review time and may pass its own mapping to `cleanup`.
        """
        with self.store.session() as session:
            items = session.scalars(
                select(OutboxItem).where(
                    OutboxItem.unit_id == self.unit_id,
                    OutboxItem.review_state.in_(ACCEPTED_REVIEW_STATES),
                )
            )
            return {item.id: item.updated_at for item in items}

    def kept_originals(
        self,
        accepted: Mapping[int, datetime],
        keep_days: int = DEFAULT_KEEP_DAYS,
    ) -> list[KeptOriginals]:
        """Every material's originals on this PC, with its state and the day cleanup is due.

        `accepted` maps outbox ids the centre accepted to when it did (UTC).
        """
        with self.store.session() as session:
            outbox = {
                attachment_id: item
                for item in session.scalars(
                    select(OutboxItem).where(OutboxItem.unit_id == self.unit_id)
                )
                for attachment_id in item.attachment_ids or []
            }
            rows = list(
                session.scalars(
                    select(Attachment)
                    .where(Attachment.unit_id == self.unit_id)
                    .order_by(Attachment.id)
                )
            )
            entries = []
            for row in rows:
                item = outbox.get(row.id)
                entries.append(self._entry(row, item.id if item else None, accepted, keep_days))
            return entries

    def _entry(
        self,
        row: Attachment,
        outbox_id: int | None,
        accepted: Mapping[int, datetime],
        keep_days: int,
    ) -> KeptOriginals:
        folder = (
            self.list_folder(row.list_id) / folder_name(row.material)
            if row.list_id is not None
            else None
        )
        size = _size_of(folder) + _size_of(Path(row.path))
        delete_on: date | None = None
        if outbox_id is None:
            state = "未提交"
        elif row.server_id is None:
            state = "待上传"  # never removed before the centre has it
        elif outbox_id not in accepted:
            state = "待审核"
        else:
            state = "已通过"
            delete_on = (accepted[outbox_id] + timedelta(days=keep_days)).date()
        if state == "已通过" and size == 0:
            state = "已清理"
        return KeptOriginals(
            row.id, row.business, row.material, row.list_id, folder, size, state, delete_on
        )

    def cleanup(
        self,
        accepted: Mapping[int, datetime],
        keep_days: int = DEFAULT_KEEP_DAYS,
        now: datetime | None = None,
    ) -> list[KeptOriginals]:
        """Remove the originals and PDF of accepted, uploaded submissions older than keep_days.

        Returns what was removed. Anything not yet uploaded or not accepted is never touched.
        """
        today = (now or datetime.now()).date()
        removed = []
        for entry in self.kept_originals(accepted, keep_days):
            if entry.state != "已通过" or entry.delete_on is None or entry.delete_on > today:
                continue
            with self.store.session() as session:
                row = session.get_one(Attachment, entry.attachment_id)
                document = Path(row.path)
            try:
                if entry.folder is not None and entry.folder.exists():
                    shutil.rmtree(entry.folder)
                document.unlink(missing_ok=True)
                parent = entry.folder.parent if entry.folder is not None else None
                if parent is not None and parent.exists() and not any(parent.iterdir()):
                    parent.rmdir()
            except OSError as exc:
                logger.warning("cleanup of %s failed: %s", entry.folder, exc)
                continue
            logger.info(
                "cleaned up originals of %s (attachment %d)", entry.material, entry.attachment_id
            )
            removed.append(entry)
        if removed:
            with self.store.session() as session:
                audit.record(
                    session,
                    "attachment.cleanup",
                    unit_id=self.unit_id,
                    count=len(removed),
                    bytes=sum(e.bytes_on_disk for e in removed),
                )
        return removed
