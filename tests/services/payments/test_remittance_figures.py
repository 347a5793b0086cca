"""汇缴核定 figures for a seeded unit, worked out by hand (issue 10, point 2)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.errors import BadInputError
from app.services.engine.spec import RosterEntry
from app.services.payments.remittance import check_month, compute_figures, proposed_month
from app.services.policy import load_default
from app.services.rules.yearmonth import YearMonth

NOV = YearMonth(2026, 11)


def person(
    account: str, status: str, paid_to: str, amount: str | None, base: str = "5000"
) -> RosterEntry:
    return RosterEntry(
        account_no=account,
        name=f"职工{account}",
        id_type="居民身份证",
        id_number=f"ID{account}",
        status=status,
        base=Decimal(base),
        unit_ratio=Decimal("0.12"),
        personal_ratio=Decimal("0.12"),
        monthly_amount=None if amount is None else Decimal(amount),
        paid_to=paid_to,
    )


ROSTER = [
    person("A", "正常", "2026-10", "1200.00"),  # paid October too, same amount
    person("B", "正常", "2026-10", "960.00"),  # base raised: 900 → 960
    person("C", "正常", "2026-10", "600.00"),  # opened, 起缴年月 2026-11
    person("D", "正常", "2026-05", "720.00"),  # 启封 this month after months 封存
    person("E", "封存", "2026-10", "800.00"),  # 封存 this month
    person("G", "正常", "2026-11", "700.00"),  # opened with 起缴年月 2026-12: not yet
    person("H", "正常", "2026-10", "1000.00"),  # transferred in
    person("I", "正常", "2026-10", None),  # no centre figure: 5000 × 12% + 5000 × 12%
]
# October's approved assessment: F has since been transferred out (gone from the roster).
OCTOBER = {
    "A": Decimal("1200.00"),
    "B": Decimal("900.00"),
    "E": Decimal("800.00"),
    "F": Decimal("500.00"),
    "I": Decimal("1200.00"),
}


def test_the_month_figures_add_up_as_a_clerk_checks_a_bill() -> None:
    figures = compute_figures(
        NOV, ROSTER, load_default(), last_month=OCTOBER, temporary_balance=Decimal("1286.40")
    )
    assert [p.account_no for p in figures.people] == ["A", "B", "C", "D", "H", "I"]
    # 1200 + 960 + 600 + 720 + 1000 + 1200
    assert figures.monthly_total == Decimal("5680.00")
    assert figures.assessed_total == Decimal("4393.60")  # 5680 − 1286.40
    data = figures.as_dict()
    assert data["last_month"] == {"count": 5, "amount": "4600.00"}
    assert data["increase"] == {"count": 3, "amount": "2320.00"}  # C 600 + D 720 + H 1000
    assert data["decrease"] == {"count": 2, "amount": "1300.00"}  # E 800 + F 500
    assert data["adjustment"] == "60.00"  # B's raise
    assert data["this_month"] == {"count": 6, "amount": "5680.00"}
    # 4600 + 2320 − 1300 + 60 = 5680: the bill balances
    changes = {p.account_no: p.change for p in figures.people}
    assert changes == {"A": "", "B": "", "C": "开户或转入", "D": "启封", "H": "开户或转入", "I": ""}
    assert {p.account_no: p.reason for p in figures.leaving} == {"E": "封存", "F": "转出或销户"}
    assert figures.needs_server == ()


def test_the_temporary_balance_never_takes_the_total_below_zero() -> None:
    figures = compute_figures(
        NOV, ROSTER, load_default(), last_month=OCTOBER, temporary_balance=Decimal("9000")
    )
    assert figures.assessed_total == Decimal("0.00")
    assert figures.balance_used == Decimal("5680.00")


def test_offline_figures_say_what_needs_the_centre_and_invent_nothing() -> None:
    figures = compute_figures(NOV, ROSTER, load_default(), last_month=None, temporary_balance=None)
    data = figures.as_dict()
    assert data["monthly_total"] == "5680.00" and len(data["people"]) == 6  # type: ignore[arg-type]
    assert data["temporary_balance"] is None and data["assessed_total"] is None
    assert data["last_month"] is None and data["increase"] is None
    assert any("暂存款余额" in note for note in figures.needs_server)


def test_the_proposed_month_follows_paid_to_and_never_runs_ahead() -> None:
    assert proposed_month(YearMonth(2026, 10), NOV) == NOV
    with pytest.raises(BadInputError, match="不能核定未来的月份"):
        proposed_month(NOV, NOV)


@pytest.mark.parametrize(
    ("month", "message"),
    [
        (YearMonth(2026, 12), "不能核定未来的月份"),
        (YearMonth(2026, 10), "已经核定过"),
        (YearMonth(2026, 9), "已经核定过"),
    ],
)
def test_a_month_other_than_the_next_is_refused(month: YearMonth, message: str) -> None:
    with pytest.raises(BadInputError, match=message):
        check_month(month, YearMonth(2026, 10), NOV)


def test_a_skipped_month_is_refused_naming_the_one_to_assess_first() -> None:
    with pytest.raises(BadInputError, match="应先核定 2026-09"):
        check_month(NOV, YearMonth(2026, 8), NOV)
