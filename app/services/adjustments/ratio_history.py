"""缴存比例调整查询: every ratio change with its state and the day it reached that state.

The centre's review result carries the days (`reviewed_on` when it was approved, 已复核;
`used_on` and `used_by` when a later 基数调整's approval applied it, 已使用); 待审核 dates from
the day the centre received it. The window's query page and `gjj-desk history ratio-change`
read the same rows from here.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select

from app.models import OutboxItem, Unit
from app.services.engine.history import HistoryRow, SubmissionHistory
from app.services.engine.states import SubmissionState
from app.services.rules.money import format_ratio

CODE = "ratio-change"
S = SubmissionState
WAITING = "新比例尚未生效：在其后的缴存基数调整审核通过时生效，此前本单位现行比例不变"
OLD_KEYS = ("old_unit_ratio", "old_personal_ratio")
UNKNOWN = "—"
UNKNOWN_TIP = "提交时尚未取得单位现行比例"
FROM_PROFILE = (
    "提交时尚未取得单位现行比例；按中心同步的本单位现行比例补全（提交后未有比例调整生效）"
)
FROM_CHANGE = "提交时尚未取得单位现行比例；按提交前已生效的缴存比例调整（调整年月 {month}）补全"


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
    old_from: str = ""  # where the 原比例 came from when filled after submission

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
        """ "12% / 12%"; "—" when the ratios in force at submission are not known."""
        old = [percent(str(self.values.get(k) or "")) for k in OLD_KEYS]
        return " / ".join(text or UNKNOWN for text in old) if any(old) else UNKNOWN

    @property
    def old_ratios_tip(self) -> str:
        """Why 原比例 reads "—", or where it was filled from; "" when recorded at submission."""
        if self.old_from:
            return self.old_from
        return "" if all(self.values.get(k) for k in OLD_KEYS) else UNKNOWN_TIP

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


def _local_day(moment: datetime) -> str:
    """The day on this PC's clock of a moment stored in UTC."""
    return moment.replace(tzinfo=UTC).astimezone().date().isoformat()


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
            sent_on = _local_day(sent_at) if sent_at else ""
            day, note = state_day(S(row.state), result, sent_on)
            copied = {name: getattr(row, name) for name in plain}
            old_from = ""
            if not all(row.values.get(k) for k in OLD_KEYS):
                known = self._ratios_at(row.submitted_at)
                if known is not None:
                    copied["values"] = {**row.values, **known[0]}
                    old_from = known[1]
            dated.append(RatioChangeRow(**copied, state_on=day, note=note, old_from=old_from))
        return dated

    def _ratios_at(self, submitted_at: datetime) -> tuple[dict[str, str], str] | None:
        """The unit's ratios in force when a change was submitted, as this PC knows them.

        Ratios change only when a ratio change is used (已使用). With none used since the
        submission day, the centre's profile of the unit still holds them; else the latest
        change used before that day set them. A day in doubt (a change used that very day, or
        used with no day) gives None: better "—" than a wrong figure.
        """
        day = _local_day(submitted_at)
        with self.store.session() as session:
            profile = session.get_one(Unit, self.unit_id).profile or {}
            used = session.execute(
                select(OutboxItem.id, OutboxItem.review_result, OutboxItem.rows).where(
                    OutboxItem.unit_id == self.unit_id,
                    OutboxItem.business == CODE,
                    OutboxItem.review_state == S.USED.value,
                )
            ).all()
        dated = sorted(
            (_day((result or {}).get("used_on")), id_, rows) for id_, result, rows in used
        )
        if any(not used_on for used_on, _, _ in dated):
            return None
        before = [rows for used_on, _, rows in dated if used_on < day]
        if (
            len(before) == len(dated)
            and profile.get("unit_ratio")
            and profile.get("personal_ratio")
        ):
            ratios = (profile["unit_ratio"], profile["personal_ratio"])
            return dict(zip(OLD_KEYS, map(str, ratios), strict=True)), FROM_PROFILE
        if not before or not before[-1]:
            return None
        row = before[-1][0]
        ratios = (row.get("unit_ratio"), row.get("personal_ratio"))
        if not all(ratios):
            return None
        month = row.get("effective_month", "")
        return dict(zip(OLD_KEYS, map(str, ratios), strict=True)), FROM_CHANGE.format(month=month)

    def changes(self) -> list[RatioChangeRow]:
        """Every ratio change of the unit, newest first."""
        return [row for row in self.rows() if isinstance(row, RatioChangeRow)]
