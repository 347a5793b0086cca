"""月缴存额 by the centre policy: each part rounded by the centre's method, limits reported."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.errors import BadInputError
from app.services.policy import CentrePolicy, load_default
from app.services.rules.contribution import compute_contribution, part_amount, require_contribution
from app.services.rules.rounding import RoundingMethod as R

D = Decimal
KAIFENG = load_default()


def with_rounding(method: R) -> CentrePolicy:
    return dataclasses.replace(KAIFENG, rounding=method)


def test_kaifeng_default_rounds_each_part_half_up_to_yuan() -> None:
    # 1865 × 10% = 186.5 → 187 (not banker's 186); 1865 × 5% = 93.25 → 93.
    result = compute_contribution(D("1865"), D("0.10"), D("0.05"), KAIFENG)
    assert result.unit_amount == D("187")
    assert result.personal_amount == D("93")
    assert result.total == D("280")
    assert "低于" in result.problems[0]  # 1865 is below the 1900 floor


def test_typical_case_has_no_problems() -> None:
    result = compute_contribution(D("5000.00"), D("0.12"), D("0.12"), KAIFENG)
    assert (result.unit_amount, result.personal_amount, result.total) == (D(600), D(600), D(1200))
    assert result.ok
    assert result.problems == []


@pytest.mark.parametrize(
    ("method", "unit", "personal"),
    [
        # base 3333.33: × 12% = 399.9996, × 7% = 233.3331
        (R.HALF_UP_FEN, "400.00", "233.33"),
        (R.HALF_UP_JIAO, "400.0", "233.3"),
        (R.HALF_UP_YUAN, "400", "233"),
        (R.DOWN_FEN, "399.99", "233.33"),
        (R.DOWN_JIAO, "399.9", "233.3"),
        (R.DOWN_YUAN, "399", "233"),
        (R.CARRY_LI_TO_FEN, "400.00", "233.34"),
        (R.CARRY_FEN_TO_JIAO, "400.0", "233.4"),
        (R.CARRY_JIAO_TO_YUAN, "400", "234"),
    ],
)
def test_each_rounding_method(method: R, unit: str, personal: str) -> None:
    result = compute_contribution(D("3333.33"), D("0.12"), D("0.07"), with_rounding(method))
    assert result.unit_amount == D(unit)
    assert result.personal_amount == D(personal)
    assert result.total == D(unit) + D(personal)


def test_parts_are_rounded_separately_not_the_sum() -> None:
    # 1905 × 10% = 190.5 → 191 for each part: 382. Rounding the sum 381.0 would give 381.
    result = compute_contribution(D("1905"), D("0.10"), D("0.10"), KAIFENG)
    assert result.unit_amount == result.personal_amount == D("191")
    assert result.total == D("382")


def test_ratio_out_of_range() -> None:
    result = compute_contribution(D("5000"), D("0.13"), D("0.04"), KAIFENG)
    assert any("单位缴存比例" in p and "13%" in p and "5%–12%" in p for p in result.problems)
    assert any("个人缴存比例" in p and "4%" in p for p in result.problems)
    assert not result.ok


def test_ratio_bounds_are_inclusive() -> None:
    assert compute_contribution(D("5000"), D("0.05"), D("0.12"), KAIFENG).ok


def test_base_below_floor_and_above_ceiling() -> None:
    low = compute_contribution(D("1899.99"), D("0.12"), D("0.12"), KAIFENG)
    assert any("缴存基数" in p and "1,899.99" in p and "下限" in p for p in low.problems)
    high = compute_contribution(D("18900.01"), D("0.12"), D("0.12"), KAIFENG)
    assert any("缴存基数" in p and "上限" in p and "18,900.00" in p for p in high.problems)
    assert compute_contribution(D("1900"), D("0.05"), D("0.05"), KAIFENG).ok
    assert compute_contribution(D("18900"), D("0.12"), D("0.12"), KAIFENG).ok


def test_monthly_amount_limits() -> None:
    policy = dataclasses.replace(KAIFENG, monthly_amount_min=D("300"), monthly_amount_max=D("1000"))
    low = compute_contribution(D("2000"), D("0.05"), D("0.05"), policy)
    assert low.total == D("200")
    assert any("月缴存额" in p and "200.00" in p and "下限" in p for p in low.problems)
    high = compute_contribution(D("5000"), D("0.12"), D("0.12"), policy)
    assert any("月缴存额" in p and "1,200.00" in p and "上限" in p for p in high.problems)


def test_require_contribution_raises_with_every_problem() -> None:
    with pytest.raises(BadInputError) as info:
        require_contribution(D("1000"), D("0.20"), D("0.12"), KAIFENG)
    assert "单位缴存比例" in info.value.message and "缴存基数" in info.value.message
    assert require_contribution(D("5000"), D("0.12"), D("0.12"), KAIFENG).total == 1200


def test_float_is_refused() -> None:
    with pytest.raises(TypeError, match="Decimal"):
        compute_contribution(5000.0, D("0.12"), D("0.12"), KAIFENG)  # type: ignore[arg-type]


def test_negative_is_refused() -> None:
    with pytest.raises(BadInputError, match="负数"):
        compute_contribution(D("-5000"), D("0.12"), D("0.12"), KAIFENG)


def test_part_amount() -> None:
    assert part_amount(D("3333.33"), D("0.07"), R.CARRY_JIAO_TO_YUAN) == D("234")


bases = st.integers(190000, 1890000).map(lambda n: D(n) / 100)
ratios = st.integers(5, 12).map(lambda n: D(n) / 100)


@given(bases, ratios, ratios, st.sampled_from(list(R)))
def test_total_is_the_sum_of_parts_within_a_unit_of_exact(
    base: Decimal, unit_ratio: Decimal, personal_ratio: Decimal, method: R
) -> None:
    result = compute_contribution(base, unit_ratio, personal_ratio, with_rounding(method))
    assert result.total == result.unit_amount + result.personal_amount
    exact = base * (unit_ratio + personal_ratio)
    assert abs(result.total - exact) < 2 * method.unit
    assert not any("比例" in p or "基数" in p for p in result.problems)
