"""补缴 amounts and month ranges (seed §6): pure rules, no store.

A back-payment covers past months only (start ≤ end < the current month), not before the
person's 起缴年月 and no further back than the policy's `max_months_back`. Each month is
base × ratios rounded by the centre's method, part by part, as a month's 汇缴 is.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from app.services.policy import CentrePolicy
from app.services.rules.contribution import compute_contribution
from app.services.rules.yearmonth import YearMonth


def month_amount(
    base: Decimal, unit_ratio: Decimal, personal_ratio: Decimal, policy: CentrePolicy
) -> Decimal:
    """One month: 单位 + 个人, each rounded by the policy's method."""
    return compute_contribution(base, unit_ratio, personal_ratio, policy).total


def back_payment_amount(
    start: YearMonth,
    end: YearMonth,
    base_for: Callable[[YearMonth], Decimal],
    unit_ratio: Decimal,
    personal_ratio: Decimal,
    policy: CentrePolicy,
) -> Decimal:
    """The sum over the months of each month's amount (the base may change between months)."""
    return sum(
        (
            month_amount(base_for(month), unit_ratio, personal_ratio, policy)
            for month in YearMonth.range(start, end)
        ),
        Decimal("0.00"),
    )


def range_problems(
    start: YearMonth,
    end: YearMonth,
    current: YearMonth,
    max_months_back: int,
    started: YearMonth | None = None,
) -> dict[str, str]:
    """Field → Chinese message for every rule the range breaks ({} when it is fine)."""
    problems: dict[str, str] = {}
    if end >= current:
        problems["end_month"] = f"终止年月 {end} 应早于当前月份 {current}：只能补缴过去的月份"
    if start > end:
        problems["start_month"] = f"起始年月 {start} 晚于终止年月 {end}"
    earliest = current - max_months_back
    if start < earliest:
        problems["start_month"] = (
            f"起始年月 {start} 超出可追溯范围：最多补缴 {max_months_back} 个月（最早 {earliest}）"
        )
    elif started is not None and start < started:
        problems["start_month"] = f"起始年月 {start} 早于该职工的起缴年月 {started}"
    return problems
