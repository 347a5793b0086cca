"""汇缴核定 as one service for the page and the command line: assess, save, submit.

The month is the unit's 缴至年月 + 1 (the cached profile, moved on by any approval this PC has
pulled since), the people come from the cached roster, last month from the approved assessment
(this PC's, else the centre's) and the 暂存款余额 from the centre when it can be reached.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import select

from app.errors import AuthError, BadInputError, KnownError, OfflineError, ServerError
from app.models import OutboxItem
from app.services.api.models import UnitProfile
from app.services.businesses.remittance import SPEC
from app.services.engine import states
from app.services.engine.pending import PendingLists, roster_entries
from app.services.engine.states import SubmissionState
from app.services.payments.remittance import (
    NEEDS_LAST_MONTH,
    RemittanceFigures,
    check_month,
    compute_figures,
    proposed_month,
)
from app.services.policy import CentrePolicy
from app.services.rules.yearmonth import YearMonth
from app.services.store import Store

logger = logging.getLogger(__name__)

NO_PAID_TO = "尚未取得本单位的缴至年月：请先登录中心服务器（登录时自动取得）"
# A submission in these states no longer stands for its month: a new one may be made.
SUPERSEDED = (SubmissionState.REJECTED, SubmissionState.REOPENED, SubmissionState.RESUBMITTED)


class RemittanceCentre(Protocol):
    """What the assessment asks the centre (CentreClient does it)."""

    def unit_profile(self) -> UnitProfile: ...

    def remittances(self, month: str | None = None) -> list[dict[str, Any]]: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Earlier:
    """A submission already standing for a month."""

    outbox_id: int
    state: SubmissionState

    def refusal(self, month: YearMonth) -> str:
        return (
            f"{month} 的汇缴核定已提交（提交编号 {self.outbox_id}，状态：{self.state.label}），"
            "每月只能核定一次"
        )


def _month_of(item: OutboxItem) -> str | None:
    rows = item.rows or []
    return str(rows[0].get("month")) if rows else None


def people_amounts(rows: list[dict[str, Any]]) -> dict[str, Decimal]:
    """个人账号 → amount of an assessment's rows (the client's or the centre's)."""
    return {str(r["account_no"]): Decimal(str(r["amount"])) for r in rows if r.get("account_no")}


class RemittanceAssessments:
    """The 汇缴核定 of one unit."""

    def __init__(
        self,
        store: Store,
        unit_id: int,
        policy: Callable[[], CentrePolicy],
        *,
        profile: Callable[[], dict[str, Any]],
        keep_profile: Callable[[UnitProfile], None] | None = None,
        centre: Callable[[], RemittanceCentre] | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.store = store
        self.unit_id = unit_id
        self._policy = policy
        self._profile = profile
        self._keep_profile = keep_profile
        self._centre = centre
        self._today = today
        self.pending = PendingLists(store, SPEC, unit_id, policy, today)

    # --- what stands already -----------------------------------------------------------------
    def _items(self) -> list[OutboxItem]:
        with self.store.session() as session:
            return list(
                session.scalars(
                    select(OutboxItem)
                    .where(OutboxItem.unit_id == self.unit_id, OutboxItem.business == SPEC.code)
                    .order_by(OutboxItem.id)
                )
            )

    def earlier(self, month: YearMonth) -> Earlier | None:
        """The submission standing for `month` (queued, pending or approved), if any."""
        for item in self._items():
            state = states.current(item.state, item.review_state)
            if _month_of(item) == str(month) and state not in SUPERSEDED:
                return Earlier(item.id, state)
        return None

    def _approved(self, month: YearMonth) -> OutboxItem | None:
        for item in self._items():
            state = states.current(item.state, item.review_state)
            if _month_of(item) == str(month) and state in states.ACCEPTED:
                return item
        return None

    def paid_to(self, profile: dict[str, Any] | None = None) -> YearMonth:
        """缴至年月: the profile's, moved on by approvals pulled since the profile was read."""
        profile = self._profile() if profile is None else profile
        if not profile.get("paid_to"):
            raise BadInputError(NO_PAID_TO)
        paid = YearMonth.parse(str(profile["paid_to"]))
        while self._approved(paid.next()) is not None:
            paid = paid.next()
        return paid

    # --- the figures ---------------------------------------------------------------------------
    def _ask_centre(self, month: YearMonth) -> tuple[UnitProfile | None, dict[str, Decimal] | None]:
        """The fresh unit profile and last month's approved people, or what could be had."""
        if self._centre is None:
            return None, None
        try:
            client = self._centre()
        except KnownError as exc:  # not logged in, no server set, offline at login
            logger.info("remittance figures without the centre: %s", exc.message)
            return None, None
        try:
            profile = client.unit_profile()
            if self._keep_profile is not None:
                self._keep_profile(profile)
            records = client.remittances(str(month.prev()))
        except (OfflineError, AuthError, ServerError) as exc:
            logger.info("remittance figures without the centre: %s", exc.message)
            return None, None
        finally:
            client.close()
        approved = [r for r in records if r.get("state_code") == "approved"]
        return profile, (people_amounts(approved[-1]["people"]) if approved else None)

    def assess(self, month: YearMonth | str | None = None) -> RemittanceFigures:
        """The figures of `month` (default: the proposed one); refusals name what is wrong."""
        current = YearMonth.today(self._today())
        wanted = None if month is None else YearMonth.parse(month)
        centre_profile, centre_last = self._ask_centre(wanted or self._proposal(current))
        profile = self._profile()
        paid_to = self.paid_to(profile)
        if wanted is None:
            wanted = proposed_month(paid_to, current)
        else:
            check_month(wanted, paid_to, current)
        earlier = self.earlier(wanted)
        if earlier is not None:
            raise BadInputError(earlier.refusal(wanted), field="month")
        local_last = self._approved(wanted.prev())
        last = people_amounts(local_last.rows) if local_last is not None else centre_last
        balance = centre_profile.suspense_balance if centre_profile is not None else None
        missing = NEEDS_LAST_MONTH
        if centre_profile is not None:
            missing = f"中心没有 {wanted.prev()} 的汇缴核定记录：上月人数和本月增减无法列出"
        with self.store.session() as session:
            entries = roster_entries(session, self.unit_id)
        return compute_figures(
            wanted,
            entries,
            self._policy(),
            last_month=last,
            temporary_balance=balance,
            missing_last=missing,
        )

    def _proposal(self, current: YearMonth) -> YearMonth:
        try:
            return proposed_month(self.paid_to(), current)
        except BadInputError:
            return current  # no profile yet: the centre's answer gives it

    # --- 保存 and 提交 ---------------------------------------------------------------------------
    def save(self, month: YearMonth | str | None = None) -> RemittanceFigures:
        """Assess and keep the month's people as the 汇缴核定清单 (replacing an earlier draft)."""
        figures = self.assess(month)
        if not figures.people:
            raise BadInputError(f"{figures.month} 没有需要缴存的职工（正常状态），无需汇缴核定")
        for row in self.pending.rows():
            self.pending.delete(row.id)
        rows = [
            (
                {
                    "month": str(figures.month),
                    "account_no": p.account_no,
                    "name": p.name,
                    "base": "" if p.base is None else f"{p.base:.2f}",
                    "amount": f"{p.amount:.2f}",
                    "change": p.change,
                },
                "汇缴核定",
            )
            for p in figures.people
        ]
        self.pending.add_many(rows)
        return figures

    def saved_month(self) -> YearMonth | None:
        """The month of the saved (not yet submitted) assessment, if there is one."""
        rows = self.pending.rows()
        return YearMonth.parse(rows[0].values["month"]) if rows else None

    def submit(self) -> int:
        """提交 the saved assessment (with the policy's materials); the outbox item's id."""
        month = self.saved_month()
        if month is None:
            raise BadInputError("还没有保存汇缴核定：请先核定并保存，再提交")
        earlier = self.earlier(month)
        if earlier is not None:
            raise BadInputError(earlier.refusal(month), field="month")
        return self.pending.submit()
