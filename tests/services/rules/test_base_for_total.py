"""Amount → base: each rounding method's preimage and the base a typed 月缴存额 comes from.

Every figure below was worked by hand from PRODUCT.md's definitions; the properties at the end
check the inverse against the forward computation for all nine methods.
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from app.errors import BadInputError
from app.services.rules.contribution import base_for_total, total_for_base
from app.services.rules.rounding import RoundingMethod as R

D = Decimal

# (method, rounded amount, lowest exact amount, first exact amount above the range)
PREIMAGES = [
    (R.HALF_UP_FEN, "229.01", "229.005", "229.015"),
    (R.HALF_UP_JIAO, "229.4", "229.35", "229.45"),
    (R.HALF_UP_YUAN, "229", "228.5", "229.5"),
    (R.DOWN_FEN, "229.01", "229.01", "229.02"),
    (R.DOWN_JIAO, "229.4", "229.4", "229.5"),
    (R.DOWN_YUAN, "229", "229", "230"),
    # 见厘进分: 229.0005 → 229.001 (half-up to 厘) → 229.01; 229.0104 → 229.010 → 229.01.
    (R.CARRY_LI_TO_FEN, "229.01", "229.0005", "229.0105"),
    # 见分进角: 229.305 → 229.31 → 229.4; 229.404 → 229.40 → 229.4; 229.405 → 229.41 → 229.5.
    (R.CARRY_FEN_TO_JIAO, "229.4", "229.305", "229.405"),
    # 见角进元: 228.05 → 228.1 → 229 (PRODUCT.md: 228.39 → 229, 228.04 → 228).
    (R.CARRY_JIAO_TO_YUAN, "229", "228.05", "229.05"),
    # Zero: nothing below it.
    (R.HALF_UP_YUAN, "0", "0", "0.5"),
    (R.CARRY_JIAO_TO_YUAN, "0", "0", "0.05"),
]


@pytest.mark.parametrize(("method", "rounded", "low", "high"), PREIMAGES)
def test_preimage_by_hand(method: R, rounded: str, low: str, high: str) -> None:
    assert method.preimage(D(rounded)) == (D(low), D(high))
    assert method.apply(D(low)) == D(rounded)
    assert method.apply(D(high)) != D(rounded)
    assert method.apply(D(high) - D("0.00001")) == D(rounded)


def test_preimage_of_an_amount_off_the_unit_is_none() -> None:
    assert R.HALF_UP_YUAN.preimage(D("228.4")) is None
    assert R.DOWN_JIAO.preimage(D("228.45")) is None
    assert R.HALF_UP_FEN.preimage(D("-1")) is None
    assert R.HALF_UP_FEN.preimage(D("NaN")) is None
    with pytest.raises(TypeError):
        R.HALF_UP_FEN.preimage(1.5)  # type: ignore[arg-type]


# Unit and personal ratio 8 % each, so each part is half the total. The base range is the part's
# preimage ÷ 0.08, in whole 分: e.g. 见角进元 229 ← [228.05, 229.05) ← [2850.625, 2863.125).
BASES = [
    (R.HALF_UP_FEN, "458.02", "2862.57", "2862.68"),
    (R.HALF_UP_JIAO, "458.8", "2866.88", "2868.12"),
    (R.HALF_UP_YUAN, "458", "2856.25", "2868.74"),
    (R.DOWN_FEN, "458.02", "2862.63", "2862.74"),
    (R.DOWN_JIAO, "458.8", "2867.50", "2868.74"),
    (R.DOWN_YUAN, "458", "2862.50", "2874.99"),
    (R.CARRY_LI_TO_FEN, "458.02", "2862.51", "2862.63"),
    (R.CARRY_FEN_TO_JIAO, "458.8", "2866.32", "2867.56"),
    (R.CARRY_JIAO_TO_YUAN, "458", "2850.63", "2863.12"),
]
EIGHT = D("0.08")


@pytest.mark.parametrize(("method", "total", "lowest", "highest"), BASES)
def test_base_range_by_hand(method: R, total: str, lowest: str, highest: str) -> None:
    found = base_for_total(D(total), EIGHT, EIGHT, method)
    assert (found.lowest, found.highest) == (D(lowest), D(highest))
    assert found.ok and found.problem(method) == ""
    assert found.base is not None and D(lowest) <= found.base <= D(highest)
    # Both directions: the ends give the amount, one 分 beyond them does not.
    assert total_for_base(D(lowest), EIGHT, EIGHT, method) == D(total)
    assert total_for_base(D(highest), EIGHT, EIGHT, method) == D(total)
    assert total_for_base(D(lowest) - D("0.01"), EIGHT, EIGHT, method) < D(total)
    assert total_for_base(D(highest) + D("0.01"), EIGHT, EIGHT, method) > D(total)


# With equal ratios both parts are equal, so an odd number of units is out of reach.
UNREACHABLE = [
    (R.HALF_UP_YUAN, "459", "458", "460"),
    (R.DOWN_YUAN, "459", "458", "460"),
    (R.CARRY_JIAO_TO_YUAN, "459", "458", "460"),
    (R.HALF_UP_JIAO, "458.9", "458.8", "459"),
    (R.CARRY_FEN_TO_JIAO, "458.9", "458.8", "459"),
    (R.HALF_UP_FEN, "458.03", "458.02", "458.04"),
    (R.CARRY_LI_TO_FEN, "458.03", "458.02", "458.04"),
    # Not even on the unit's grid.
    (R.HALF_UP_YUAN, "458.5", "458", "460"),
]


@pytest.mark.parametrize(("method", "total", "below", "above"), UNREACHABLE)
def test_no_base_names_the_nearest_amounts(method: R, total: str, below: str, above: str) -> None:
    found = base_for_total(D(total), EIGHT, EIGHT, method)
    assert not found.ok and found.base is None
    assert (found.below, found.above) == (D(below), D(above))
    message = found.problem(method)
    assert method.label in message
    assert f"{D(below):,.2f}" in message and f"{D(above):,.2f}" in message


def test_mixed_ratios_by_hand() -> None:
    # 12 % + 8 %, 四舍五入到元: 600 ← [4995.83…, 5004.16…), 400 ← [4993.75, 5006.25).
    found = base_for_total(D("1000"), D("0.12"), D("0.08"), R.HALF_UP_YUAN)
    assert (found.lowest, found.highest, found.base) == (D("4995.84"), D("5004.16"), D("5000.00"))


def test_preferred_base_is_kept_when_it_gives_the_amount() -> None:
    kept = base_for_total(D("1000"), D("0.12"), D("0.08"), R.HALF_UP_YUAN, prefer=D("5003.00"))
    assert kept.base == D("5003.00")
    other = base_for_total(D("1000"), D("0.12"), D("0.08"), R.HALF_UP_YUAN, prefer=D("6000"))
    assert other.base == D("5000.00")  # 1000 ÷ 20 %


def test_the_natural_base_is_brought_into_the_range() -> None:
    # 见角进元 at 8 % + 8 %: 458 ÷ 16 % = 2862.50, inside [2850.63, 2863.12].
    assert base_for_total(D("458"), EIGHT, EIGHT, R.CARRY_JIAO_TO_YUAN).base == D("2862.50")
    # 见角进元 at 7 % + 5 %: 100 ÷ 12 % = 833.33 gives 58.33 → 59 and 41.67 → 42 = 101; the
    # highest base giving 100 is 829.28: 58.0496 → 58.0 → 58 and 41.464 → 41.5 → 42.
    found = base_for_total(D("100"), D("0.07"), D("0.05"), R.CARRY_JIAO_TO_YUAN)
    assert (found.base, found.highest) == (D("829.28"), D("829.28"))


def test_zero_total_and_bad_input() -> None:
    assert base_for_total(D("0"), EIGHT, EIGHT, R.HALF_UP_YUAN).lowest == D("0")
    with pytest.raises(BadInputError, match="缴存比例均为 0"):
        base_for_total(D("100"), D("0"), D("0"), R.HALF_UP_YUAN)
    with pytest.raises(BadInputError, match="月缴存额"):
        base_for_total(D("-1"), EIGHT, EIGHT, R.HALF_UP_YUAN)


@pytest.mark.parametrize("method", list(R))
def test_inverse_round_trips_for_every_method(method: R) -> None:
    rng = random.Random(20261128)
    for _ in range(60):
        base = D(rng.randint(190000, 1890000)) / 100
        unit, personal = D(rng.randint(5, 12)) / 100, D(rng.randint(5, 12)) / 100
        total = total_for_base(base, unit, personal, method)
        found = base_for_total(total, unit, personal, method, prefer=base)
        assert found.base == base
        assert found.lowest is not None and found.highest is not None
        assert found.lowest <= base <= found.highest
        default = base_for_total(total, unit, personal, method)
        assert default.base is not None
        assert total_for_base(default.base, unit, personal, method) == total
