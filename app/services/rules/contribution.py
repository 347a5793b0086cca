"""月缴存额 = round(base × unit ratio) + round(base × personal ratio), by the centre's policy.

Each part is rounded on its own by the policy's method (PRODUCT.md); the sum is not rounded again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
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
    # What each problem is about ("base", "unit_ratio", "personal_ratio" or "total") -> its
    # message, so a caller routes it to its field without reading the Chinese text.
    problems_by_part: dict[str, str] = field(default_factory=dict, hash=False)

    @property
    def problems(self) -> list[str]:
        return list(self.problems_by_part.values())

    @property
    def ok(self) -> bool:
        return not self.problems_by_part


@functools.lru_cache(maxsize=65536, typed=True)
def part_amount(base: Decimal, ratio: Decimal, rounding: RoundingMethod) -> Decimal:
    """One part (unit or personal): base × ratio rounded by the centre's method.

    Remembered per distinct base and ratio (a workforce shares a few thousand bases): the
    result has the rounding unit's exponent, so 5000 and 5000.00 rightly share one entry.
    """
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


def _ratio_problem(label: str, ratio: Decimal, allowed: RatioRange) -> str:
    """What the clerk reads about a ratio outside the centre's range."""
    return f"{label} {format_ratio(ratio)} 不在中心规定的 {allowed.describe()} 之内"


def _base_problem(base: Decimal, policy: CentrePolicy) -> str:
    """What the clerk reads about a base outside the centre's limits."""
    if base < policy.base_floor:
        return f"缴存基数 {format_money(base)} 低于中心规定的下限 {format_money(policy.base_floor)}"
    return f"缴存基数 {format_money(base)} 高于中心规定的上限 {format_money(policy.base_ceiling)}"


def _total_problem(total: Decimal, policy: CentrePolicy) -> str:
    """What the clerk reads about a 月缴存额 outside the centre's limits."""
    if total < policy.monthly_amount_min:
        return f"月缴存额 {format_money(total)} 低于下限 {format_money(policy.monthly_amount_min)}"
    return f"月缴存额 {format_money(total)} 高于上限 {format_money(policy.monthly_amount_max)}"


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
    found: dict[str, str] = {}
    # The messages are made only for what is out of bounds (nearly never, in a file of rows).
    if not policy.unit_ratio.min <= unit_ratio <= policy.unit_ratio.max:
        found["unit_ratio"] = _ratio_problem("单位缴存比例", unit_ratio, policy.unit_ratio)
    if not policy.personal_ratio.min <= personal_ratio <= policy.personal_ratio.max:
        found["personal_ratio"] = _ratio_problem(
            "个人缴存比例", personal_ratio, policy.personal_ratio
        )
    if not policy.base_floor <= base <= policy.base_ceiling:
        found["base"] = _base_problem(base, policy)
    if not policy.monthly_amount_min <= total <= policy.monthly_amount_max:
        found["total"] = _total_problem(total, policy)
    return Contribution(
        base=base,
        unit_ratio=unit_ratio,
        personal_ratio=personal_ratio,
        unit_amount=unit_amount,
        personal_amount=personal_amount,
        total=total,
        problems_by_part=found,
    )


def require_contribution(
    base: Decimal, unit_ratio: Decimal, personal_ratio: Decimal, policy: CentrePolicy
) -> Contribution:
    """Like `compute_contribution`, but BadInputError listing the problems if there are any."""
    result = compute_contribution(base, unit_ratio, personal_ratio, policy)
    if result.problems:
        raise BadInputError("；".join(result.problems), field="contribution")
    return result


CENT = Decimal("0.01")


@dataclass(frozen=True)
class BaseForTotal:
    """The base a typed 月缴存额 comes from, or, when no base gives it, the nearest amounts."""

    total: Decimal
    base: Decimal | None  # None: no base (in whole 分) gives `total` under the rounding
    lowest: Decimal | None = None  # every base in [lowest, highest] gives `total`
    highest: Decimal | None = None
    below: Decimal | None = None  # the nearest amounts a base can give, when none gives `total`
    above: Decimal | None = None

    @property
    def ok(self) -> bool:
        return self.base is not None

    def problem(self, rounding: RoundingMethod) -> str:
        """The refusal in Chinese, naming the nearest valid amounts ("" when there is a base)."""
        if self.ok:
            return ""
        near = " 或 ".join(format_money(a) for a in (self.below, self.above) if a is not None)
        return (
            f"月缴存额 {format_money(self.total)} 无法由任何缴存基数按“{rounding.label}”算得，"
            f"最接近的有效金额为 {near}"
        )


def total_for_base(
    base: Decimal, unit_ratio: Decimal, personal_ratio: Decimal, rounding: RoundingMethod
) -> Decimal:
    """月缴存额 of a base: the two parts rounded on their own, then added."""
    return part_amount(base, unit_ratio, rounding) + part_amount(base, personal_ratio, rounding)


def base_for_total(
    total: Decimal,
    unit_ratio: Decimal,
    personal_ratio: Decimal,
    rounding: RoundingMethod,
    *,
    prefer: Decimal | None = None,
) -> BaseForTotal:
    """The inverse of `total_for_base` over bases in whole 分.

    Many bases give the same amount; the one chosen is `prefer` (e.g. the person's current
    base) when it is one of them, else total ÷ (unit ratio + personal ratio) brought into range.
    The amount grows with the base, so a bisection over a narrow window finds the range:
    each part is within one rounding unit of base × ratio.
    """
    total = _require_decimal(total, "月缴存额")
    rate = _require_decimal(unit_ratio, "单位缴存比例") + _require_decimal(
        personal_ratio, "个人缴存比例"
    )
    if rate == 0:
        raise BadInputError("缴存比例均为 0，无法由月缴存额推算缴存基数")
    found = _bases_for_total(total, unit_ratio, personal_ratio, rounding)
    if found.lowest is None or found.highest is None:
        return found
    if prefer is not None and found.lowest <= prefer <= found.highest:
        return BaseForTotal(total, prefer, lowest=found.lowest, highest=found.highest)
    return found


@functools.lru_cache(maxsize=4096, typed=True)
def _bases_for_total(
    total: Decimal, unit_ratio: Decimal, personal_ratio: Decimal, rounding: RoundingMethod
) -> BaseForTotal:
    """The bases giving `total` (or the nearest amounts), remembered per distinct amount: a
    workforce typed into 调整后月缴存额 shares a few thousand amounts."""
    rate = unit_ratio + personal_ratio

    def amount(cents: int) -> Decimal:
        return total_for_base(Decimal(cents) * CENT, unit_ratio, personal_ratio, rounding)

    slack = 2 * rounding.unit
    start = max(int((total - slack) / rate / CENT) - 1, 0)
    end = int((total + slack) / rate / CENT) + 2
    lowest = _first_cents(amount, start, end, lambda a: a >= total)
    if amount(lowest) != total:
        # amount(0) is 0 and total ≥ 0, so a miss is never at 0: one 分 less gives the amount below.
        return BaseForTotal(total, None, below=amount(lowest - 1), above=amount(lowest))
    highest = _first_cents(amount, lowest, end, lambda a: a > total) - 1
    low, high = Decimal(lowest) * CENT, Decimal(highest) * CENT
    natural = (total / rate).quantize(CENT)
    return BaseForTotal(total, min(max(natural, low), high), lowest=low, highest=high)


def _first_cents(
    amount: Callable[[int], Decimal], start: int, end: int, reached: Callable[[Decimal], bool]
) -> int:
    """The smallest n in [start, end] with reached(amount(n)); `end` is known to reach it."""
    while start < end:
        middle = (start + end) // 2
        if reached(amount(middle)):
            end = middle
        else:
            start = middle + 1
    return start
