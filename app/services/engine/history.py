"""Submitted work of one or more businesses, as a 查询 page shows it: one line per person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select

from app.models import OutboxItem
from app.services.outbox import RESUBMITTED, STATE_LABELS
from app.services.policy import BUSINESS_NAMES
from app.services.store import Store

STATES = ("待上传", "上传中", "失败", "待审核", "审核通过", "退回", "已复核", "已使用", "已重报")


@dataclass(frozen=True)
class Submission:
    """One submitted list, as the command line's `history` shows it."""

    id: int
    created_at: datetime
    row_count: int
    state: str  # queued / sending / sent / failed
    state_label: str  # 待上传 / 上传中 / 已提交 / 失败
    review_state: str | None  # 待审核 / 审核通过 / 退回 / 已复核 / 已使用
    review_reason: str | None
    last_error: str | None


@dataclass(frozen=True)
class HistoryRow:
    outbox_id: int
    business: str
    business_name: str
    submitted_at: datetime
    state: str  # the upload state until the centre has it, then its review state
    reason: str  # the reviewer's reason (退回) or why sending failed (失败)
    name: str
    id_number: str
    account_no: str  # from the row, or the new 个人账号 the centre gave (开户)
    values: dict[str, Any]

    @property
    def can_reopen(self) -> bool:
        """退回 by the reviewer, or 失败 on arrival: the rows can go back into the 清册."""
        return self.state in ("退回", "失败")

    @property
    def can_retry(self) -> bool:
        """失败 for a reason the clerk may have fixed outside (e.g. a file put back)."""
        return self.state == "失败"


def _state(item: OutboxItem) -> str:
    if item.review_state and (item.state == "sent" or item.review_state == RESUBMITTED):
        return item.review_state
    return STATE_LABELS.get(item.state, item.state)


def _accounts(item: OutboxItem) -> dict[str, str]:
    """New 个人账号 by ID number, from an approval's result ({"accounts": [...]})."""
    result = item.review_result or {}
    return {
        str(a.get("id_number", "")).upper(): str(a.get("account_no", ""))
        for a in result.get("accounts", [])
        if isinstance(a, dict)
    }


class SubmissionHistory:
    def __init__(self, store: Store, unit_id: int) -> None:
        self.store = store
        self.unit_id = unit_id

    def submissions(self, businesses: tuple[str, ...]) -> list[Submission]:
        """Submitted lists of these businesses, newest first."""
        with self.store.session() as session:
            items = session.scalars(
                select(OutboxItem)
                .where(OutboxItem.unit_id == self.unit_id, OutboxItem.business.in_(businesses))
                .order_by(OutboxItem.id.desc())
            )
            return [
                Submission(
                    i.id,
                    i.created_at,
                    len(i.rows),
                    i.state,
                    STATE_LABELS.get(i.state, i.state),
                    i.review_state,
                    i.review_reason,
                    i.last_error,
                )
                for i in items
            ]

    def rows(
        self,
        businesses: tuple[str, ...],
        *,
        since: date | None = None,
        until: date | None = None,
        state: str | None = None,
        person: str | None = None,
    ) -> list[HistoryRow]:
        """Newest first; `person` matches a name, ID number or 个人账号 (part of it)."""
        query = select(OutboxItem).where(
            OutboxItem.unit_id == self.unit_id, OutboxItem.business.in_(businesses)
        )
        if since is not None:
            query = query.where(OutboxItem.created_at >= datetime.combine(since, time.min))
        if until is not None:
            query = query.where(OutboxItem.created_at <= datetime.combine(until, time.max))
        with self.store.session() as session:
            items = list(session.scalars(query.order_by(OutboxItem.id.desc())))
        needle = (person or "").strip().upper()
        found: list[HistoryRow] = []
        for item in items:
            item_state = _state(item)
            if state and item_state != state:
                continue
            accounts = _accounts(item)
            reason = item.review_reason or (item.last_error if item.state == "failed" else "")
            for values in item.rows:
                id_number = str(values.get("id_number", ""))
                row = HistoryRow(
                    outbox_id=item.id,
                    business=item.business,
                    business_name=BUSINESS_NAMES.get(item.business, item.business),
                    submitted_at=item.created_at,
                    state=item_state,
                    reason=reason or "",
                    name=str(values.get("name", "")),
                    id_number=id_number,
                    account_no=str(values.get("account_no") or accounts.get(id_number.upper(), "")),
                    values=dict(values),
                )
                if needle and not any(
                    needle in text.upper() for text in (row.name, row.id_number, row.account_no)
                ):
                    continue
                found.append(row)
        return found
