"""汇缴核定 figures for one month, worked out from the cached roster (seed §5).

Pure functions: the roster entries, last month's assessment (who paid what) and the unit's
暂存款余额 go in, every figure a clerk checks comes out. Only the 暂存款余额 needs the centre;
without it the figures that depend on it are None and `needs_server` says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from app.errors import BadInputError
from app.services.engine.spec import RosterEntry
from app.services.policy import CentrePolicy
from app.services.rules.contribution import compute_contribution
from app.services.rules.yearmonth import YearMonth

NORMAL, SEALED = "正常", "封存"
ZERO = Decimal("0.00")
NEEDS_BALANCE = "暂存款余额须联网从中心取得；联网后显示暂存款余额和核定总金额"
NEEDS_LAST_MONTH = "上月的汇缴核定记录未取得（联网后从中心取得），上月人数和增减无法列出"


@dataclass(frozen=True)
class PayingPerson:
    """One employee who pays this month, and why they are new if they did not pay last month."""

    account_no: str
    name: str
    id_number: str
    base: Decimal | None
    amount: Decimal
    change: str = ""  # "" (paid last month too) / 开户或转入 / 启封
    last: Decimal | None = None  # what they paid last month, when known


@dataclass(frozen=True)
class LeavingPerson:
    """Paid last month, not this month."""

    account_no: str
    name: str
    amount: Decimal  # what they paid last month
    reason: str  # 封存 / 转出或销户 / 已缴至本月


@dataclass(frozen=True)
class Tally:
    count: int
    amount: Decimal

    def as_dict(self) -> dict[str, object]:
        return {"count": self.count, "amount": f"{self.amount:.2f}"}


@dataclass(frozen=True)
class RemittanceFigures:
    month: YearMonth
    people: tuple[PayingPerson, ...]
    monthly_total: Decimal
    temporary_balance: Decimal | None  # 暂存款余额; None offline
    assessed_total: Decimal | None  # 月缴存额 − usable 暂存款, never below zero
    last_month: Tally | None  # None when last month's assessment is unknown
    increase: Tally | None
    decrease: Tally | None
    adjustment: Decimal | None  # base or ratio changes of people who paid both months
    leaving: tuple[LeavingPerson, ...] = ()
    needs_server: tuple[str, ...] = field(default=())

    @property
    def this_month(self) -> Tally:
        return Tally(len(self.people), self.monthly_total)

    @property
    def balance_used(self) -> Decimal | None:
        if self.temporary_balance is None:
            return None
        return min(self.temporary_balance, self.monthly_total)

    def as_dict(self) -> dict[str, object]:
        """The figures as `assess remittance --json` prints them (money as exact text)."""

        def money(value: Decimal | None) -> str | None:
            return None if value is None else f"{value:.2f}"

        def tally(value: Tally | None) -> dict[str, object] | None:
            return None if value is None else value.as_dict()

        return {
            "month": str(self.month),
            "monthly_total": money(self.monthly_total),
            "temporary_balance": money(self.temporary_balance),
            "balance_used": money(self.balance_used),
            "assessed_total": money(self.assessed_total),
            "people": [
                {
                    "account_no": p.account_no,
                    "name": p.name,
                    "base": money(p.base),
                    "amount": money(p.amount),
                    "change": p.change,
                }
                for p in self.people
            ],
            "this_month": self.this_month.as_dict(),
            "last_month": tally(self.last_month),
            "increase": tally(self.increase),
            "decrease": tally(self.decrease),
            "adjustment": money(self.adjustment),
            "leaving": [
                {
                    "account_no": p.account_no,
                    "name": p.name,
                    "amount": money(p.amount),
                    "reason": p.reason,
                }
                for p in self.leaving
            ],  # fmt: skip
            "needs_server": list(self.needs_server),
        }


def monthly_amount(entry: RosterEntry, policy: CentrePolicy) -> Decimal:
    """The person's 月缴存额: the centre's figure from the roster, else base × ratios rounded."""
    if entry.monthly_amount is not None:
        return Decimal(entry.monthly_amount).quantize(ZERO)
    if entry.base is None or entry.unit_ratio is None or entry.personal_ratio is None:
        raise BadInputError(
            f"{entry.name}（个人账号 {entry.account_no}）在花名册中没有缴存基数或比例，"
            "请先同步花名册"
        )
    result = compute_contribution(
        Decimal(entry.base), Decimal(entry.unit_ratio), Decimal(entry.personal_ratio), policy
    )
    return result.total


def pays_in(entry: RosterEntry, month: YearMonth) -> bool:
    """正常 accounts not yet paid for `month` (a new opening's 缴至年月 is 起缴年月 − 1)."""
    if entry.status != NORMAL:
        return False
    return entry.paid_to is None or YearMonth.parse(entry.paid_to) < month


def _change(entry: RosterEntry, month: YearMonth) -> str:
    if entry.paid_to is not None and YearMonth.parse(entry.paid_to) < month.prev():
        return "启封"  # a gap before this month: the account was 封存
    return "开户或转入"


def _leaving_reason(entry: RosterEntry | None) -> str:
    if entry is None or entry.status not in (NORMAL, SEALED):
        return "转出或销户"
    return SEALED if entry.status == SEALED else "已缴至本月"


def compute_figures(
    month: YearMonth,
    entries: Iterable[RosterEntry],
    policy: CentrePolicy,
    *,
    last_month: Mapping[str, Decimal] | None,
    temporary_balance: Decimal | None,
    missing_last: str = NEEDS_LAST_MONTH,
) -> RemittanceFigures:
    """Every figure of the month's 汇缴核定.

    `last_month` maps 个人账号 → amount paid in the month before (the approved assessment),
    or None when unknown; `temporary_balance` is None when the centre could not be asked.
    """
    roster = {e.account_no: e for e in entries}
    paying = sorted((e for e in roster.values() if pays_in(e, month)), key=lambda e: e.account_no)
    people = []
    for entry in paying:
        new = last_month is not None and entry.account_no not in last_month
        people.append(
            PayingPerson(
                entry.account_no,
                entry.name,
                entry.id_number,
                None if entry.base is None else Decimal(entry.base),
                monthly_amount(entry, policy),
                _change(entry, month) if new else "",
                None if last_month is None else last_month.get(entry.account_no),
            )
        )
    total = sum((p.amount for p in people), ZERO)
    notes: list[str] = []
    assessed: Decimal | None = None
    if temporary_balance is None:
        notes.append(NEEDS_BALANCE)
    else:
        assessed = max(total - temporary_balance, ZERO)
    if last_month is None:
        notes.append(missing_last)
        return RemittanceFigures(
            month, tuple(people), total, temporary_balance, assessed, None, None, None, None,
            needs_server=tuple(notes),
        )  # fmt: skip
    paying_now = {p.account_no: p for p in people}
    leaving = tuple(
        LeavingPerson(
            account,
            roster[account].name if account in roster else account,
            amount,
            _leaving_reason(roster.get(account)),
        )
        for account, amount in sorted(last_month.items())
        if account not in paying_now
    )
    added = [p for p in people if p.change]
    adjustment = sum((p.amount - last_month[p.account_no] for p in people if not p.change), ZERO)
    return RemittanceFigures(
        month=month,
        people=tuple(people),
        monthly_total=total,
        temporary_balance=temporary_balance,
        assessed_total=assessed,
        last_month=Tally(len(last_month), sum(last_month.values(), ZERO)),
        increase=Tally(len(added), sum((p.amount for p in added), ZERO)),
        decrease=Tally(len(leaving), sum((p.amount for p in leaving), ZERO)),
        adjustment=adjustment,
        leaving=leaving,
        needs_server=tuple(notes),
    )


def proposed_month(paid_to: YearMonth, current: YearMonth) -> YearMonth:
    """缴至年月 + 1, never ahead of the current month."""
    month = paid_to.next()
    if month > current:
        raise BadInputError(
            f"本单位已缴至 {paid_to}，{current} 的汇缴尚不能核定（不能核定未来的月份）",
            field="month",
        )
    return month


def check_month(month: YearMonth, paid_to: YearMonth, current: YearMonth) -> None:
    """The month a clerk asked for: the one after 缴至年月, not in the future."""
    if month > current:
        raise BadInputError(
            f"核定月份 {month} 在当前月份 {current} 之后：不能核定未来的月份", field="month"
        )
    if month <= paid_to:
        raise BadInputError(
            f"本单位已缴至 {paid_to}，{month} 已经核定过，不能再核定", field="month"
        )
    if month != paid_to.next():
        raise BadInputError(
            f"本单位缴至 {paid_to}，应先核定 {paid_to.next()}，不能跳过月份", field="month"
        )
