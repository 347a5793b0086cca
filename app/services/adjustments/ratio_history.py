"""缴存比例调整查询: every ratio change with its state and the day it reached that state.

The centre's review result carries the days (`reviewed_on` when it was approved, 已复核;
`used_on` and `used_by` when a later 基数调整's approval applied it, 已使用); 待审核 dates from
the day the centre received it. The window's query page and `gjj-desk history ratio-change`
read the same rows from here.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select

from app.models import OutboxItem
from app.services.engine.history import HistoryRow, SubmissionHistory
from app.services.engine.states import SubmissionState
from app.services.rules.money import format_ratio

CODE = "ratio-change"
S = SubmissionState
WAITING = "新比例尚未生效：在其后的缴存基数调整审核通过时生效，此前本单位现行比例不变"


def percent(text: str) -> str:
    """ "10%" for "0.1"; the text itself when it is not a number."""
    try:
        return format_ratio(Decimal(text)) if text else ""
    except InvalidOperation:
        return text


@dataclass(frozen=True)
class RatioChangeRow(HistoryRow):
    """A ratio change as 缴存比例调整查询 shows it: the history row with its state's day."""

    state_on: str = ""  # YYYY-MM-DD of the state shown; "" when there is none yet
    note: str = ""  # what the state means for the unit's ratios

    @property
    def effective_month(self) -> str:
        return str(self.values.get("effective_month", ""))

    @property
    def unit_ratio(self) -> str:
        return percent(str(self.values.get("unit_ratio", "")))

    @property
    def personal_ratio(self) -> str:
        return percent(str(self.values.get("personal_ratio", "")))

    @property
    def old_ratios(self) -> str:
        old = (str(self.values.get(k, "")) for k in ("old_unit_ratio", "old_personal_ratio"))
        return " / ".join(percent(text) for text in old)

    @property
    def dated_state(self) -> str:
        """已复核（2026-11-28）: the word and its day, as the page and the command line say it."""
        return f"{self.state}（{self.state_on}）" if self.state_on else self.state

    def as_dict(self) -> dict[str, Any]:
        return {
            "outbox_id": self.outbox_id,
            "submitted_at": self.submitted_at.isoformat(),
            "effective_month": self.effective_month,
            "unit_ratio": self.values.get("unit_ratio", ""),
            "personal_ratio": self.values.get("personal_ratio", ""),
            "status": self.state,
            "status_on": self.state_on or None,
            "note": self.note,
            "reason": self.reason,
        }


def _day(value: Any) -> str:
    text = str(value or "")
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return ""


def state_day(
    state: SubmissionState, result: dict[str, Any] | None, sent_on: str
) -> tuple[str, str]:
    """(the day of `state`, what it means) from the centre's review result."""
    result = result or {}
    reviewed, used = _day(result.get("reviewed_on")), _day(result.get("used_on"))
    if state is S.PENDING:
        return sent_on, "等待中心审核"
    if state is S.REVIEWED:
        return reviewed, WAITING
    if state is S.USED:
        by = result.get("used_by")
        base = f"缴存基数调整（中心编号 {by}）" if by else "缴存基数调整"
        when = f"{reviewed} 复核通过，" if reviewed else ""
        return used, f"{when}{used or ''} 随{base}审核通过生效"
    return "", ""


class RatioChangeHistory(SubmissionHistory):
    """`SubmissionHistory` of 缴存比例调整, each row with the day of its state."""

    def rows(
        self,
        businesses: tuple[str, ...] = (CODE,),
        *,
        since: date | None = None,
        until: date | None = None,
        state: str | None = None,
        person: str | None = None,
    ) -> list[HistoryRow]:
        found = super().rows(businesses, since=since, until=until, state=state, person=person)
        ids = {row.outbox_id for row in found}
        with self.store.session() as session:
            items = {
                item_id: (result, sent_at)
                for item_id, result, sent_at in session.execute(
                    select(OutboxItem.id, OutboxItem.review_result, OutboxItem.sent_at).where(
                        OutboxItem.id.in_(ids)
                    )
                )
            }
        plain = [f.name for f in fields(HistoryRow)]
        dated: list[HistoryRow] = []
        for row in found:
            result, sent_at = items.get(row.outbox_id, (None, None))
            # The day on this PC's clock (sent_at is stored in UTC).
            sent_on = sent_at.replace(tzinfo=UTC).astimezone().date().isoformat() if sent_at else ""
            day, note = state_day(S(row.state), result, sent_on)
            copied = {name: getattr(row, name) for name in plain}
            dated.append(RatioChangeRow(**copied, state_on=day, note=note))
        return dated

    def changes(self) -> list[RatioChangeRow]:
        """Every ratio change of the unit, newest first."""
        return [row for row in self.rows() if isinstance(row, RatioChangeRow)]
