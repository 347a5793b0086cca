"""What an outbox holds: what is due, counts by state, the items as views, the last sync.

Read-only; `OutboxSync` (app/services/outbox.py) is built on it. `waiting_count` is the one
count of work the centre does not have yet (the status bar, the home page, the closing warning).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select

from app.models import OutboxItem, Unit
from app.services.engine.states import WAITING_UPLOAD, UploadState
from app.services.outbox_report import Clock, OutboxView
from app.services.store import Store

QUEUED, SENDING, FAILED = UploadState.QUEUED, UploadState.SENDING, UploadState.FAILED
STATE_LABELS = {state.value: state.label for state in UploadState}


def waiting_count(store: Store, unit_id: int) -> int:
    """Submissions the centre does not have yet (待上传 / 上传中 / 失败)."""
    with store.session() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(OutboxItem)
                .where(
                    OutboxItem.unit_id == unit_id,
                    OutboxItem.state.in_([s.value for s in WAITING_UPLOAD]),
                )
            )
            or 0
        )


class OutboxQueries:
    """The reading half of one unit's outbox."""

    store: Store
    unit_id: int
    clock: Clock

    def due(self, *, now_anyway: bool = False) -> list[int]:
        """Items to send now, oldest first: queued and due, or left "sending" by a crash.

        `now_anyway` (the clerk asked: 立即同步, `gjj-desk sync`) also takes items still
        waiting out their backoff.
        """
        now = self.clock()
        waited = OutboxItem.next_attempt_at.is_(None) | (OutboxItem.next_attempt_at <= now)
        queued = (
            (OutboxItem.state == QUEUED) if now_anyway else (OutboxItem.state == QUEUED) & waited
        )
        with self.store.session() as session:
            return list(
                session.scalars(
                    select(OutboxItem.id)
                    .where(
                        OutboxItem.unit_id == self.unit_id, or_(OutboxItem.state == SENDING, queued)
                    )
                    .order_by(OutboxItem.id)
                )
            )

    def idle_reason(self) -> str:
        """Why a sync asked for by the clerk had nothing to send, in Chinese."""
        counts = self.counts()
        failed = counts[FAILED.label]
        if failed:
            return (
                f"没有待上传的申报；{failed} 笔上传失败，需在查询页“重新修改”或“重新上传”后"
                "才会再次发送。"
            )
        return "没有待上传的申报。"

    def counts(self) -> dict[str, int]:
        """Items by state label (待上传 / 上传中 / 已提交 / 失败), every label present."""
        with self.store.session() as session:
            found = dict(
                session.execute(
                    select(OutboxItem.state, func.count())
                    .where(OutboxItem.unit_id == self.unit_id)
                    .group_by(OutboxItem.state)
                ).all()
            )
        return {label: int(found.get(state, 0)) for state, label in STATE_LABELS.items()}

    def review_counts(self) -> dict[str, int]:
        """Sent items by review state (待审核 / 审核通过 / 退回 / …), only those present."""
        with self.store.session() as session:
            rows = session.execute(
                select(OutboxItem.review_state, func.count())
                .where(OutboxItem.unit_id == self.unit_id, OutboxItem.review_state.is_not(None))
                .group_by(OutboxItem.review_state)
            ).all()
        return {str(state): int(count) for state, count in rows}

    def items(self, *, state: str | None = None) -> list[OutboxView]:
        with self.store.session() as session:
            query = select(OutboxItem).where(OutboxItem.unit_id == self.unit_id)
            if state is not None:
                query = query.where(OutboxItem.state == state)
            return [_view(i) for i in session.scalars(query.order_by(OutboxItem.id))]

    def last_synced_at(self) -> datetime | None:
        with self.store.session() as session:
            return session.get_one(Unit, self.unit_id).last_synced_at


def _view(item: OutboxItem) -> OutboxView:
    return OutboxView(
        item.id,
        item.business,
        item.state,
        STATE_LABELS.get(item.state, item.state),
        item.attempts,
        item.last_error,
        item.server_id,
        item.review_state,
        item.review_reason,
        item.next_attempt_at,
    )
