"""Handing a 清册 in: the materials it lacks, 全部提交 into the outbox, and taking a 退回 back."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.errors import BadInputError
from app.models import Attachment, OutboxItem, PendingList, PendingRow
from app.models.base import utcnow
from app.services import audit
from app.services.engine import states
from app.services.engine.history import rejected_rows
from app.services.engine.pending_edit import PendingEditing
from app.services.engine.rows import check_row
from app.services.engine.states import ListState, SubmissionState, UploadState

logger = logging.getLogger(__name__)


class PendingSubmitting(PendingEditing):
    """全部提交 and 重新修改 of the open list."""

    def _missing(self, session: Session, plist: PendingList) -> list[str]:
        """The missing-materials rule (the one copy): required and not attached to the list."""
        have = set(
            session.scalars(select(Attachment.material).where(Attachment.list_id == plist.id))
        )
        required = self._policy().required_materials(self.spec.code)
        return [m.name for m in required if m.name not in have]

    def required_materials(self) -> list[str]:
        """The materials this list needs now: the policy's required ones; a business may add
        one under a condition its rows meet (a lower ratio's resolution, ratio_change.py)."""
        return [m.name for m in self._policy().required_materials(self.spec.code)]

    def missing_materials(self) -> list[str]:
        """Required materials with no document attached to the open list yet."""
        with self.store.session() as session:
            return self._missing(session, self._open_list(session))

    def submit(self) -> int:
        """全部提交: check rows and materials, then put the list in the outbox (committed first).

        One transaction under the write lock: exactly the rows checked are the rows sent, and
        the list cannot change in between. Returns the outbox item's id; nothing is sent here.
        """
        problem: str | None = None
        with self.store.session() as session:
            plist = self._locked(session)
            ctx = self.context(session, plist)
            rows = self._live_rows(session, plist)
            bad = 0
            first_error = ""
            for row in rows:
                result = check_row(self.spec, row.data, ctx, row_id=row.id)
                row.errors = result.errors or None  # the marks are kept even when refused
                if result.errors:
                    bad += 1
                    first_error = first_error or next(iter(result.errors.values()))
            missing = self._missing(session, plist)
            if not rows:
                problem = f"{self.spec.list_name}为空，没有可提交的记录。"
            elif bad:
                problem = (
                    f"{self.spec.list_name}中有 {bad} 条记录有误，请修改后再提交"
                    f"（第一条：{first_error}）。"
                )
            elif missing:
                problem = "请先上传影像资料：" + "、".join(missing)
            else:
                return self._queue(session, plist, rows)
        raise BadInputError(problem)

    def _queue(self, session: Session, plist: PendingList, rows: list[PendingRow]) -> int:
        attachments = list(
            session.scalars(select(Attachment.id).where(Attachment.list_id == plist.id))
        )
        item = OutboxItem(
            unit_id=self.unit_id,
            business=self.spec.code,
            idempotency_key=uuid.uuid4().hex,
            list_id=plist.id,
            rows=[dict(r.data) for r in rows],
            attachment_ids=attachments,
            state=UploadState.QUEUED,
        )
        session.add(item)
        plist.state, plist.submitted_at = ListState.SUBMITTED.value, utcnow()
        # The corrected rows of every 退回 taken back into this list go again: say so. (Each
        # reopen puts its rows into the open list, which is the one being submitted now.)
        session.execute(
            update(OutboxItem)
            .where(
                OutboxItem.unit_id == self.unit_id,
                OutboxItem.business == self.spec.code,
                OutboxItem.review_state == SubmissionState.REOPENED.value,
            )
            .values(review_state=SubmissionState.RESUBMITTED.value)
        )
        session.flush()
        audit.record(
            session,
            "submit",
            unit_id=self.unit_id,
            business=self.spec.code,
            outbox=item.id,
            rows=len(rows),
        )
        logger.info("queued %s submission %s with %d rows", self.spec.code, item.id, len(rows))
        return item.id

    def reopen(self, outbox_id: int) -> int:
        """Put a 退回 (or 失败) submission's rows back into the open list for correction.

        Of a list approved with single rows rejected, only those rows come back. The
        submission reads 已取回修改 until the corrected list is submitted (then 已重报).
        """
        with self.store.session() as session:
            item = session.get(OutboxItem, outbox_id)
            if item is None or item.unit_id != self.unit_id or item.business != self.spec.code:
                raise BadInputError("找不到该提交记录。")
            rejected = rejected_rows(item.review_result)
            state = states.current(item.state, item.review_state)
            if not states.can_reopen(state, bool(rejected)):
                raise BadInputError("只有被退回或上传失败的提交才能重新修改。")
            plist = self._locked(session)
            plist.reopened_from = item.id
            start = self._live_count(session, plist) + 1
            back = [
                values
                for index, values in enumerate(item.rows, 1)
                if state is not SubmissionState.APPROVED or index in rejected
            ]
            for position, values in enumerate(back, start=start):
                session.add(
                    PendingRow(
                        list_id=plist.id,
                        position=position,
                        data=values,
                        source=f"退回重报（提交 {item.id}）",
                    )
                )
            item.review_state = SubmissionState.REOPENED
            audit.record(
                session, "reopen", unit_id=self.unit_id, business=self.spec.code, outbox=item.id
            )
            list_id, documents = plist.id, list(item.attachment_ids or [])
        # The documents come along: the clerk removes or rescans only what must change.
        from app.services.attachments import AttachmentService  # the PDF libraries: not at start

        AttachmentService(self.store, self.unit_id).carry_over(documents, list_id)
        return list_id
