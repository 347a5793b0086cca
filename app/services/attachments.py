"""Documents attached to a pending list: one PDF per material, kept in the unit's folder."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app import paths
from app.errors import BadInputError
from app.models import Attachment, Unit
from app.services import audit
from app.services.documents import Page, build_pdf
from app.services.policy import CentrePolicy
from app.services.scanning import ColourMode
from app.services.store import Store

logger = logging.getLogger(__name__)

# The policy's words for colour modes (policy.COLOUR_MODES) to the scanner's.
POLICY_MODES = {"color": ColourMode.COLOUR, "gray": ColourMode.GREY, "bw": ColourMode.BLACK_WHITE}


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


class AttachmentService:
    """Makes a material's PDF from its pages and records it against the open pending list."""

    def __init__(self, store: Store, unit_id: int) -> None:
        self.store = store
        self.unit_id = unit_id

    def _folder(self) -> Path:
        with self.store.session() as session:
            code = session.get_one(Unit, self.unit_id).code
        return paths.attachments_dir(code)

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
        out = self._folder() / f"{business}-{list_id}-{uuid.uuid4().hex[:12]}.pdf"
        document = build_pdf(
            list(pages),
            out,
            max_bytes=limits.max_bytes_per_document,
            target_dpi=limits.target_dpi,
            mode=POLICY_MODES.get(limits.colour_mode),
            name=material,
        )
        with self.store.session() as session:
            for old in session.scalars(
                select(Attachment).where(
                    Attachment.list_id == list_id, Attachment.material == material
                )
            ):
                session.delete(old)
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
