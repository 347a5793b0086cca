"""Documents attached to a pending list: one PDF per material, built from its pages.

The pages of each material live in a folder of their own (`material_pages.py`); the PDF is
built from that folder. The page files are the originals:
they stay until the centre has accepted the submission, then `cleanup` removes them after the
number of days the clerk can see in `kept_originals`.
"""

from __future__ import annotations

import logging
import shutil
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import paths
from app.errors import BadInputError, KnownError
from app.models import Attachment, OutboxItem, Unit
from app.services import audit
from app.services.documents import Document, Page, build_pdf, file_sha256
from app.services.engine.states import ACCEPTED, SubmissionState
from app.services.material_pages import (
    MaterialPages,
    folder_name,
)
from app.services.policy import CentrePolicy
from app.services.scanning import ColourMode
from app.services.store import Store

logger = logging.getLogger(__name__)

# The policy's words for colour modes (policy.COLOUR_MODES) to the scanner's.
POLICY_MODES = {"color": ColourMode.COLOUR, "gray": ColourMode.GREY, "bw": ColourMode.BLACK_WHITE}
# Days the originals of an accepted submission are kept before cleanup removes them.
DEFAULT_KEEP_DAYS = 30
# Review states that mean the centre has accepted a submission.
ACCEPTED_REVIEW_STATES = tuple(state.value for state in ACCEPTED)


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
        try:
            return self._record(business, list_id, material, document)
        except BaseException:
            # Not recorded (a full disk refused the row): the PDF must not stay behind unknown.
            document.path.unlink(missing_ok=True)
            raise

    def _record(
        self, business: str, list_id: int, material: str, document: Document
    ) -> AttachmentInfo:
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

    def carry_over(self, attachment_ids: Sequence[int], to_list_id: int) -> list[str]:
        """Copy a submission's documents (PDF and page originals) to the reopened list.

        The clerk then removes or rescans only what must change. A material the open list has
        already is left as it is (the newer document wins). Copies are not uploaded yet, so the
        clerk may change them; the centre stores identical content once. Returns the materials
        carried over.
        """
        with self.store.session() as session:
            sources = [
                (row.business, row.material, row.list_id, Path(row.path), row.page_count)
                for row in session.scalars(
                    select(Attachment)
                    .where(Attachment.id.in_(attachment_ids), Attachment.unit_id == self.unit_id)
                    .order_by(Attachment.id)
                )
            ]
            have = set(
                session.scalars(select(Attachment.material).where(Attachment.list_id == to_list_id))
            )
        carried: list[str] = []
        for business, material, from_list, pdf, page_count in sources:
            if material in have or not pdf.is_file():
                continue
            target = self.list_folder(to_list_id)
            out = target / f"{folder_name(material)}-{uuid.uuid4().hex[:12]}.pdf"
            try:
                target.mkdir(parents=True, exist_ok=True)
                if from_list is not None:
                    pages = self.list_folder(from_list) / folder_name(material)
                    if pages.is_dir():
                        shutil.copytree(pages, target / folder_name(material), dirs_exist_ok=True)
                shutil.copy2(pdf, out)
            except OSError as exc:
                logger.warning("could not carry %s over to list %d: %s", material, to_list_id, exc)
                continue
            with self.store.session() as session:
                session.add(
                    Attachment(
                        unit_id=self.unit_id,
                        business=business,
                        material=material,
                        list_id=to_list_id,
                        path=str(out),
                        sha256=file_sha256(out),
                        size=out.stat().st_size,
                        page_count=page_count,
                    )
                )
            carried.append(material)
        return carried

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
            state = SubmissionState.QUEUED.label  # never removed before the centre has it
        elif outbox_id not in accepted:
            state = SubmissionState.PENDING.label
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
