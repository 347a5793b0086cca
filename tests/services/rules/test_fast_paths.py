"""The rules' fast paths and caches give what the full checks give, every time they are asked."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.errors import BadInputError
from app.services.rules.contribution import base_for_total, part_amount
from app.services.rules.money import parse_money, parse_ratio
from app.services.rules.rounding import RoundingMethod
from app.services.rules.yearmonth import YearMonth


@pytest.mark.parametrize(
    ("text", "expected"),
    [("5000", "5000.00"), ("5000.5", "5000.50"), (".5", "0.50"), ("5000.", "5000.00")],
)
def test_plain_money_text_reads_as_before(text: str, expected: str) -> None:
    assert str(parse_money(text)) == expected
    assert str(parse_money(f" ￥{text} 元")) == expected  # the full path agrees


def test_a_cached_ratio_is_the_same_each_time_and_errors_are_never_remembered() -> None:
    assert parse_ratio("12%") == parse_ratio("12%") == parse_ratio(12) == Decimal("0.12")
    for _ in range(2):
        with pytest.raises(BadInputError, match="单位缴存比例“abc”不是有效的比例"):
            parse_ratio("abc", what="单位缴存比例")
    with pytest.raises(BadInputError, match="个人缴存比例"):
        parse_ratio("abc", what="个人缴存比例")  # the message names the field asked about


def test_a_cached_month_is_the_same_each_time_and_errors_are_never_remembered() -> None:
    assert YearMonth.parse("2026-11") is YearMonth.parse("2026-11")
    assert YearMonth.parse("2026-11") == YearMonth(2026, 11)
    for _ in range(2):
        with pytest.raises(BadInputError, match="月份 13"):
            YearMonth.parse("2026-13")


def test_part_amounts_are_remembered_by_value_with_the_rounding_units_exponent() -> None:
    fen = RoundingMethod.HALF_UP_FEN
    first = part_amount(Decimal("5000"), Decimal("0.12"), fen)
    again = part_amount(Decimal("5000.00"), Decimal("0.120"), fen)
    assert str(first) == str(again) == "600.00"
    assert str(part_amount(Decimal("5000.00"), Decimal("0.12"), RoundingMethod.HALF_UP_YUAN)) == (
        "600"
    )
    with pytest.raises(TypeError):
        part_amount(5000.0, Decimal("0.12"), fen)  # type: ignore[arg-type]


def test_the_base_for_an_amount_is_remembered_but_the_preferred_base_is_each_persons() -> None:
    fen, twelve = RoundingMethod.HALF_UP_FEN, Decimal("0.12")
    plain = base_for_total(Decimal("1200.00"), twelve, twelve, fen)
    mine = base_for_total(Decimal("1200.00"), twelve, twelve, fen, prefer=Decimal("4999.99"))
    other = base_for_total(Decimal("1200.00"), twelve, twelve, fen, prefer=Decimal("4999.98"))
    assert plain.base == Decimal("5000.00") and (plain.lowest, plain.highest) == (
        Decimal("4999.96"),
        Decimal("5000.04"),
    )
    assert mine.base == Decimal("4999.99") and other.base == Decimal("4999.98")
    outside = base_for_total(Decimal("1200.00"), twelve, twelve, fen, prefer=Decimal("6000"))
    assert outside == plain
    for _ in range(2):  # a refusal is the same each time
        missed = base_for_total(Decimal("1200.01"), twelve, twelve, fen, prefer=Decimal("5000"))
        assert missed.base is None and (missed.below, missed.above) == (
            Decimal("1200.00"),
            Decimal("1200.02"),
        )
