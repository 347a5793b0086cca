"""The nine rounding methods, by hand-worked examples and by properties."""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.errors import BadInputError
from app.services.rules.rounding import RoundingMethod as R

D = Decimal

# (method, input, expected) worked by hand from PRODUCT.md's definitions.
EXAMPLES = [
    # 四舍五入: half goes up, never to even.
    (R.HALF_UP_FEN, "186.445", "186.45"),
    (R.HALF_UP_FEN, "186.444", "186.44"),
    (R.HALF_UP_FEN, "0.005", "0.01"),
    (R.HALF_UP_JIAO, "186.45", "186.5"),
    (R.HALF_UP_JIAO, "186.25", "186.3"),
    (R.HALF_UP_JIAO, "186.249", "186.2"),
    (R.HALF_UP_YUAN, "186.5", "187"),
    (R.HALF_UP_YUAN, "185.5", "186"),
    (R.HALF_UP_YUAN, "186.49", "186"),
    (R.HALF_UP_YUAN, "228.00", "228"),
    # 舍入: drop what is below the unit.
    (R.DOWN_FEN, "186.459", "186.45"),
    (R.DOWN_JIAO, "186.49", "186.4"),
    (R.DOWN_YUAN, "186.99", "186"),
    (R.DOWN_YUAN, "186", "186"),
    # 见厘进分: half-up to 厘, then any 厘 carries one 分.
    (R.CARRY_LI_TO_FEN, "186.4511", "186.46"),
    (R.CARRY_LI_TO_FEN, "186.4501", "186.45"),
    (R.CARRY_LI_TO_FEN, "186.4504", "186.45"),
    (R.CARRY_LI_TO_FEN, "186.4505", "186.46"),
    (R.CARRY_LI_TO_FEN, "186.45", "186.45"),
    # 见分进角: half-up to 分, then any 分 carries one 角.
    (R.CARRY_FEN_TO_JIAO, "186.45", "186.5"),
    (R.CARRY_FEN_TO_JIAO, "186.41", "186.5"),
    (R.CARRY_FEN_TO_JIAO, "186.404", "186.4"),
    (R.CARRY_FEN_TO_JIAO, "186.405", "186.5"),
    (R.CARRY_FEN_TO_JIAO, "186.40", "186.4"),
    # 见角进元: half-up to 角, then any 角 carries one 元.
    (R.CARRY_JIAO_TO_YUAN, "228.39", "229"),
    (R.CARRY_JIAO_TO_YUAN, "228.04", "228"),
    (R.CARRY_JIAO_TO_YUAN, "228.05", "229"),
    (R.CARRY_JIAO_TO_YUAN, "228.1", "229"),
    (R.CARRY_JIAO_TO_YUAN, "228", "228"),
    (R.CARRY_JIAO_TO_YUAN, "0", "0"),
]


@pytest.mark.parametrize(("method", "amount", "expected"), EXAMPLES)
def test_examples(method: R, amount: str, expected: str) -> None:
    result = method.apply(D(amount))
    assert result == D(expected)
    assert result.as_tuple().exponent == method.unit.as_tuple().exponent


def test_every_method_has_an_example() -> None:
    assert {m for m, _, _ in EXAMPLES} == set(R)


def test_half_up_is_not_bankers_rounding() -> None:
    assert round(D("186.5")) == 186  # what Python would do
    assert R.HALF_UP_YUAN.apply(D("186.5")) == 187


def test_product_examples() -> None:
    assert R.CARRY_JIAO_TO_YUAN.apply(D("228.39")) == 229
    assert R.CARRY_JIAO_TO_YUAN.apply(D("228.04")) == 228
    assert R.CARRY_FEN_TO_JIAO.apply(D("186.45")) == D("186.5")
    assert R.HALF_UP_YUAN.apply(D("186.5")) == 187


def test_codes_and_labels_are_stable() -> None:
    assert [m.value for m in R] == [
        "half_up_fen",
        "half_up_jiao",
        "half_up_yuan",
        "down_fen",
        "down_jiao",
        "down_yuan",
        "carry_li_to_fen",
        "carry_fen_to_jiao",
        "carry_jiao_to_yuan",
    ]
    assert R.CARRY_JIAO_TO_YUAN.label == "见角进元"
    assert R.HALF_UP_YUAN.label == "四舍五入到元"
    assert len({m.label for m in R}) == 9


@pytest.mark.parametrize("method", list(R))
def test_parse_code_and_label(method: R) -> None:
    assert R.parse(method.value) is method
    assert R.parse(method.label) is method
    assert R.from_label(f" {method.label} ") is method


def test_parse_variants() -> None:
    assert R.parse("舍去到元") is R.DOWN_YUAN
    assert R.parse("HALF_UP_FEN") is R.HALF_UP_FEN
    assert R.parse("四舍五入 到角") is R.HALF_UP_JIAO


def test_parse_rejects_unknown_with_the_list() -> None:
    with pytest.raises(BadInputError) as info:
        R.parse("银行家舍入")
    assert "银行家舍入" in info.value.message
    assert "见角进元" in info.value.message


def test_rejects_negative_and_float() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        R.HALF_UP_YUAN.apply(D("-1"))
    with pytest.raises(TypeError):
        R.HALF_UP_YUAN.apply(186.5)  # type: ignore[arg-type]


amounts = st.decimals(min_value=0, max_value=10**7, places=4, allow_nan=False)
methods = st.sampled_from(list(R))


@given(methods, amounts)
def test_idempotent(method: R, amount: Decimal) -> None:
    once = method.apply(amount)
    assert method.apply(once) == once


@given(methods, amounts, amounts)
def test_monotonic(method: R, a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    assert method.apply(low) <= method.apply(high)


@given(methods, amounts)
def test_result_is_a_multiple_of_the_unit_within_one_unit(method: R, amount: Decimal) -> None:
    result = method.apply(amount)
    assert result % method.unit == 0
    assert abs(result - amount) < method.unit


@given(amounts)
def test_half_up_is_within_half_a_unit(amount: Decimal) -> None:
    for method in (R.HALF_UP_FEN, R.HALF_UP_JIAO, R.HALF_UP_YUAN):
        assert abs(method.apply(amount) - amount) <= method.unit / 2


@given(amounts)
def test_down_never_exceeds_the_input(amount: Decimal) -> None:
    for method in (R.DOWN_FEN, R.DOWN_JIAO, R.DOWN_YUAN):
        result = method.apply(amount)
        assert result <= amount
        assert amount - result < method.unit


@given(amounts)
def test_carry_never_below_the_first_half_up_step(amount: Decimal) -> None:
    # "Never below the input" is not quite true: 见角进元 turns 228.04 into 228 because the
    # first step rounds half-up to 角. It can fall below by at most half the smaller unit,
    # which is a twentieth of the result unit.
    for method in (R.CARRY_LI_TO_FEN, R.CARRY_FEN_TO_JIAO, R.CARRY_JIAO_TO_YUAN):
        assert method.apply(amount) >= amount - method.unit / 20


@given(amounts)
def test_carry_lies_between_half_up_and_ceiling(amount: Decimal) -> None:
    pairs = (
        (R.CARRY_LI_TO_FEN, R.HALF_UP_FEN),
        (R.CARRY_FEN_TO_JIAO, R.HALF_UP_JIAO),
        (R.CARRY_JIAO_TO_YUAN, R.HALF_UP_YUAN),
    )
    for carry, half_up in pairs:
        result = carry.apply(amount)
        assert half_up.apply(amount) <= result
        assert result <= amount.quantize(carry.unit, rounding=ROUND_CEILING)
