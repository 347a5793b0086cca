"""Submitted work of one or more businesses, as a 查询 page shows it: one line per person."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select

from app.models import OutboxItem
from app.services.engine import states
from app.services.engine.states import SubmissionState, UploadState
from app.services.policy import BUSINESS_NAMES
from app.services.store import Store

STATES = tuple(state.label for state in states.ORDER)


@dataclass(frozen=True)
class Submission:
    """One submitted list, as the command line's `history` shows it."""

    id: int
    created_at: datetime
    row_count: int
    state: str  # queued / sending / sent / failed
    state_label: str  # 待上传 / 上传中 / 已提交 / 失败
    review_state: str | None  # 待审核 / 审核通过 / 退回 / 已复核 / 已使用 / 已取回修改 / 已重报
    review_reason: str | None
    last_error: str | None
    status: SubmissionState  # the one word a clerk sees for both
    rejected_rows: int = 0  # rows the reviewer rejected in an otherwise approved list


@dataclass(frozen=True)
class HistoryRow:
    outbox_id: int
    business: str
    business_name: str
    submitted_at: datetime
    state: str  # this person's state: the submission's, or 退回 for a row rejected alone
    reason: str  # the reviewer's reason (退回) or why sending failed (失败)
    name: str
    id_number: str
    account_no: str  # from the row, or the new 个人账号 the centre gave (开户)
    values: dict[str, Any]
    submission_state: SubmissionState = SubmissionState.PENDING
    row_rejected: bool = False  # the reviewer rejected this row alone (the rest approved)

    @property
    def can_reopen(self) -> bool:
        """退回 by the reviewer (the list or this row), or 失败 on arrival: back into the 清册."""
        return states.can_reopen(self.submission_state, self.row_rejected)

    @property
    def can_retry(self) -> bool:
        """失败 for a reason the clerk may have fixed outside (e.g. a file put back)."""
        return states.can_retry(self.submission_state)


def submission_state(item: OutboxItem) -> SubmissionState:
    return states.current(item.state, item.review_state)


def rejected_rows(result: dict[str, Any] | None) -> dict[int, str]:
    """Rows (1-based, as the centre numbers them) rejected alone, with the reviewer's reason."""
    found: dict[int, str] = {}
    for entry in (result or {}).get("rejected_rows", []):
        if isinstance(entry, dict) and isinstance(entry.get("row"), int):
            found[entry["row"]] = str(entry.get("reason") or "")
    return found


def _row_state(whole: SubmissionState, partly: bool, rejected: bool) -> str:
    """A row rejected alone reads 退回 (or what the clerk did since); the others, the list's.

    `partly`: the list was approved with single rows rejected.
    """
    after = whole in (SubmissionState.REOPENED, SubmissionState.RESUBMITTED)
    if not partly or (rejected and after):
        return whole.label
    if rejected:
        return SubmissionState.REJECTED.label
    return SubmissionState.APPROVED.label if after else whole.label


def _account_of(business: str) -> Callable[[Mapping[str, Any], Mapping[str, Any] | None], str]:
    """How a business reads a submitted row's 个人账号 (开户: from the approval's result)."""
    from app.services.businesses import SPECS  # the registry imports the engine: ask late

    spec = SPECS.get(business)
    if spec is not None and spec.account_of is not None:
        return spec.account_of
    return lambda values, _result: str(values.get("account_no") or "")


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
                    UploadState(i.state).label,
                    i.review_state,
                    i.review_reason,
                    i.last_error,
                    submission_state(i),
                    len(rejected_rows(i.review_result)),
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
            whole = submission_state(item)
            account_of = _account_of(item.business)
            rejected = rejected_rows(item.review_result)
            reason = item.review_reason or (
                item.last_error if whole is SubmissionState.FAILED else ""
            )
            for index, values in enumerate(item.rows, 1):
                id_number = str(values.get("id_number", ""))
                row_state = _row_state(whole, bool(rejected), index in rejected)
                if state and row_state != state:
                    continue
                row = HistoryRow(
                    outbox_id=item.id,
                    business=item.business,
                    business_name=BUSINESS_NAMES.get(item.business, item.business),
                    submitted_at=item.created_at,
                    state=row_state,
                    reason=rejected.get(index) or reason or "",
                    name=str(values.get("name", "")),
                    id_number=id_number,
                    account_no=account_of(values, item.review_result),
                    values=dict(values),
                    submission_state=whole,
                    row_rejected=index in rejected,
                )
                if needle and not any(
                    needle in text.upper() for text in (row.name, row.id_number, row.account_no)
                ):
                    continue
                found.append(row)
        return found
