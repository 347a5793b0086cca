"""Money and ratios as clerks and spreadsheets write them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.errors import BadInputError
from app.services.rules.money import format_money, format_ratio, parse_money, parse_ratio

D = Decimal


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5000", "5000.00"),
        ("5,000.00", "5000.00"),
        ("5000元", "5000.00"),
        ("￥5000", "5000.00"),
        ("¥5,000", "5000.00"),
        ("¥ 5,000.5", "5000.50"),
        ("人民币5000元整", "5000.00"),
        ("RMB 1,234,567.89", "1234567.89"),
        ("５０００", "5000.00"),
        ("５，０００．００", "5000.00"),
        ("5 000", "5000.00"),
        (" 5000.10 ", "5000.10"),
        ("5000.000", "5000.00"),
        (".5", "0.50"),
        ("0", "0.00"),
        (5000, "5000.00"),
        (5000.0, "5000.00"),
        (4999.999999999, "5000.00"),
        ("4999.999999999", "5000.00"),
        (1234.5600000001, "1234.56"),
        (0.1 + 0.2, "0.30"),
        (D("186.5"), "186.50"),
    ],
)
def test_parse_money(value: str | int | float | Decimal, expected: str) -> None:
    result = parse_money(value)
    assert isinstance(result, Decimal)
    assert result == D(expected)
    assert str(result) == expected  # always two places


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("", "为空"),
        ("  ", "为空"),
        ("-5", "负数"),
        ("-5,000.00", "负数"),
        ("(500)", "负数"),
        (-1, "负数"),
        ("5000.001", "两位小数"),
        (5000.005, "两位小数"),
        ("abc", "不是有效的数字"),
        ("5千", "不是有效的数字"),
        ("5e3", "不是有效的数字"),
        ("5,00.00", "千位分隔符"),
        ("1,5", "千位分隔符"),
        ("5.000,00", "千位分隔符"),
        (float("nan"), "不是有效的数字"),
        (D("Infinity"), "不是有效的数字"),
        (True, "不是数字"),
    ],
)
def test_parse_money_rejects(value: str | int | float | Decimal, words: str) -> None:
    with pytest.raises(BadInputError) as info:
        parse_money(value)
    assert words in info.value.message, info.value.message
    if isinstance(value, str) and value.strip():
        assert f"“{value}”" in info.value.message


def test_parse_money_names_the_field() -> None:
    with pytest.raises(BadInputError, match="补缴金额“x”"):
        parse_money("x", what="补缴金额")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12%", "0.12"),
        ("12 %", "0.12"),
        ("0.12", "0.12"),
        ("12", "0.12"),
        (12, "0.12"),
        (12.0, "0.12"),
        (0.12, "0.12"),
        (0.11999999999999999, "0.12"),
        ("１２％", "0.12"),
        ("5%", "0.05"),
        ("7.5%", "0.075"),
        ("7.5", "0.075"),
        ("0.075", "0.075"),
        (D("0.05"), "0.05"),
        ("100%", "1"),
        ("100", "1"),
        ("0", "0"),
        ("0%", "0"),
    ],
)
def test_parse_ratio(value: str | int | float | Decimal, expected: str) -> None:
    assert parse_ratio(value) == D(expected)


def test_ambiguous_one_is_one_percent() -> None:
    # Documented rule: a bare value of 1 or more is a percent.
    assert parse_ratio("1") == D("0.01")
    assert parse_ratio(1) == D("0.01")
    assert parse_ratio("1%") == D("0.01")
    assert parse_ratio("0.99") == D("0.99")


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("", "为空"),
        ("%", "缺少数字"),
        ("101", "超过了100%"),
        ("150%", "超过了100%"),
        ("-12%", "负数"),
        (-0.12, "负数"),
        ("abc", "应写成 12% 或 0.12"),
        ("十二", "应写成 12% 或 0.12"),
        ("12.345%", "0.01%"),
        ("0.123456", "0.01%"),
    ],
)
def test_parse_ratio_rejects(value: str | float, words: str) -> None:
    with pytest.raises(BadInputError) as info:
        parse_ratio(value)
    assert words in info.value.message, info.value.message


def test_format_money() -> None:
    assert format_money(D("5000")) == "5,000.00"
    assert format_money(D("1234567.891")) == "1,234,567.89"
    assert format_money(D("0.005")) == "0.01"
    assert format_money(D("186.5")) == "186.50"
    assert format_money(D("0")) == "0.00"


def test_format_ratio() -> None:
    assert format_ratio(D("0.12")) == "12%"
    assert format_ratio(D("0.120")) == "12%"
    assert format_ratio(D("0.075")) == "7.5%"
    assert format_ratio(D("0.05")) == "5%"
    assert format_ratio(D("1")) == "100%"
    assert format_ratio(D("0")) == "0%"


cents = st.integers(0, 10**11).map(lambda n: D(n) / 100)


@given(cents)
def test_formatted_money_parses_back(amount: Decimal) -> None:
    assert parse_money(format_money(amount)) == amount
    assert parse_money(str(amount)) == amount


@given(cents)
def test_excel_float_of_an_amount_parses_back(amount: Decimal) -> None:
    assert parse_money(float(amount)) == amount


basis_points = st.integers(0, 10000).map(lambda n: D(n) / 10000)


@given(basis_points)
def test_formatted_ratio_parses_back(ratio: Decimal) -> None:
    assert parse_ratio(format_ratio(ratio)) == ratio


@given(st.integers(1, 100))
def test_whole_percent_forms_agree(percent: int) -> None:
    expected = D(percent) / 100
    assert parse_ratio(f"{percent}%") == expected
    assert parse_ratio(percent) == expected
    assert parse_ratio(str(percent)) == expected
    if percent < 100:
        assert parse_ratio(float(expected)) == expected


@pytest.mark.parametrize("value", ["9" * 27, 1e30, "1,000,000,000,000"])
def test_absurdly_large_amounts_are_bad_input_not_a_crash(value: object) -> None:
    with pytest.raises(BadInputError, match="过大"):
        parse_money(value)  # type: ignore[arg-type]
