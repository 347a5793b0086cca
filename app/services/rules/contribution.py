"""月缴存额 = round(base × unit ratio) + round(base × personal ratio), by the centre's policy.

Each part is rounded on its own by the policy's method (PRODUCT.md); the sum is not rounded again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from app.errors import BadInputError
from app.services.policy import CentrePolicy, RatioRange
from app.services.rules.money import format_money, format_ratio
from app.services.rules.rounding import RoundingMethod


@dataclass(frozen=True)
class Contribution:
    """One person's monthly contribution and, in Chinese, everything the policy objects to."""

    base: Decimal
    unit_ratio: Decimal
    personal_ratio: Decimal
    unit_amount: Decimal
    personal_amount: Decimal
    total: Decimal
    problems: list[str] = field(default_factory=list, hash=False)

    @property
    def ok(self) -> bool:
        return not self.problems


def part_amount(base: Decimal, ratio: Decimal, rounding: RoundingMethod) -> Decimal:
    """One part (unit or personal): base × ratio rounded by the centre's method."""
    return rounding.apply(base * ratio)


def _require_decimal(value: object, label: str) -> Decimal:
    if not isinstance(value, Decimal):
        # A float here is a bug upstream (parse with parse_money / parse_ratio first).
        raise TypeError(f"{label} must be a Decimal, got {type(value).__name__}")
    if not value.is_finite():
        raise BadInputError(f"{label}不是有效的数字")
    if value < 0:
        raise BadInputError(f"{label} {value} 不能为负数")
    return value


def _ratio_problem(label: str, ratio: Decimal, allowed: RatioRange) -> str | None:
    if allowed.contains(ratio):
        return None
    return f"{label} {format_ratio(ratio)} 不在中心规定的 {allowed.describe()} 之内"


def _base_problems(base: Decimal, policy: CentrePolicy) -> list[str]:
    if base < policy.base_floor:
        return [
            f"缴存基数 {format_money(base)} 低于中心规定的下限 {format_money(policy.base_floor)}"
        ]
    if base > policy.base_ceiling:
        return [
            f"缴存基数 {format_money(base)} 高于中心规定的上限 {format_money(policy.base_ceiling)}"
        ]
    return []


def _total_problems(total: Decimal, policy: CentrePolicy) -> list[str]:
    if total < policy.monthly_amount_min:
        return [
            f"月缴存额 {format_money(total)} 低于下限 {format_money(policy.monthly_amount_min)}"
        ]
    if total > policy.monthly_amount_max:
        return [
            f"月缴存额 {format_money(total)} 高于上限 {format_money(policy.monthly_amount_max)}"
        ]
    return []


def compute_contribution(
    base: Decimal, unit_ratio: Decimal, personal_ratio: Decimal, policy: CentrePolicy
) -> Contribution:
    """Amounts by the policy's rounding; `problems` lists every limit the values break."""
    base = _require_decimal(base, "缴存基数")
    unit_ratio = _require_decimal(unit_ratio, "单位缴存比例")
    personal_ratio = _require_decimal(personal_ratio, "个人缴存比例")
    unit_amount = part_amount(base, unit_ratio, policy.rounding)
    personal_amount = part_amount(base, personal_ratio, policy.rounding)
    total = unit_amount + personal_amount
    problems = [
        p
        for p in (
            _ratio_problem("单位缴存比例", unit_ratio, policy.unit_ratio),
            _ratio_problem("个人缴存比例", personal_ratio, policy.personal_ratio),
        )
        if p
    ]
    problems += _base_problems(base, policy)
    problems += _total_problems(total, policy)
    return Contribution(
        base=base,
        unit_ratio=unit_ratio,
        personal_ratio=personal_ratio,
        unit_amount=unit_amount,
        personal_amount=personal_amount,
        total=total,
        problems=problems,
    )


def require_contribution(
    base: Decimal, unit_ratio: Decimal, personal_ratio: Decimal, policy: CentrePolicy
) -> Contribution:
    """Like `compute_contribution`, but BadInputError listing the problems if there are any."""
    result = compute_contribution(base, unit_ratio, personal_ratio, policy)
    if result.problems:
        raise BadInputError("；".join(result.problems), field="contribution")
    return result
