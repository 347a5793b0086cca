"""YearMonth: parsing every form clerks type, arithmetic, ranges, formatting."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.errors import BadInputError
from app.services.rules.yearmonth import YearMonth

NOV = YearMonth(2026, 11)


@pytest.mark.parametrize(
    "text",
    [
        "202611",
        "2026-11",
        "2026/11",
        "2026年11月",
        "2026.11",
        " 2026-11 ",
        "２０２６年１１月",
        "2026 年 11 月",
        "2026-11-05",
        "2026年11月30日",
        "2026/11/1",
    ],
)
def test_parse_text_forms(text: str) -> None:
    assert YearMonth.parse(text) == NOV


def test_single_digit_month() -> None:
    assert YearMonth.parse("2026-1") == YearMonth(2026, 1)
    assert YearMonth.parse("2026年3月") == YearMonth(2026, 3)
    assert YearMonth.parse("2026.1") == YearMonth(2026, 1)


def test_parse_numbers_and_dates() -> None:
    assert YearMonth.parse(202611) == NOV
    assert YearMonth.parse(202611.0) == NOV  # calamine gives floats
    assert YearMonth.parse(date(2026, 11, 30)) == NOV
    assert YearMonth.parse(datetime(2026, 11, 1, 8, 30)) == NOV
    assert YearMonth.parse(NOV) is NOV
    assert YearMonth.from_date(date(2026, 11, 15)) == NOV


def test_excel_float_month_is_refused_not_guessed() -> None:
    with pytest.raises(BadInputError) as info:
        YearMonth.parse(2026.1)
    assert "文本" in info.value.message and "10 月" in info.value.message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("202613", "月份 13"),
        ("2026-00", "月份 0"),
        ("2026年13月", "1–12"),
        ("", "为空"),
        ("   ", "为空"),
        ("十一月", "不是有效的年月"),
        ("26-11", "不是有效的年月"),
        ("2026-11-31", "不是有效的日期"),
        ("0999-11", "年份"),
        ("20261", "不是有效的年月"),
    ],
)
def test_bad_input_messages(text: str, words: str) -> None:
    with pytest.raises(BadInputError) as info:
        YearMonth.parse(text)
    assert words in info.value.message
    if text.strip():
        assert text in info.value.message


def test_constructor_checks_month() -> None:
    with pytest.raises(BadInputError, match="月份 13"):
        YearMonth(2026, 13)


def test_bool_is_not_a_month() -> None:
    with pytest.raises(BadInputError):
        YearMonth.parse(True)


def test_next_prev_and_arithmetic() -> None:
    assert NOV.next() == YearMonth(2026, 12)
    assert NOV.next().next() == YearMonth(2027, 1)
    assert YearMonth(2027, 1).prev() == YearMonth(2026, 12)
    assert YearMonth(2028, 1) == NOV + 14
    assert YearMonth(2025, 12) == NOV - 11
    assert YearMonth(2026, 9) == NOV + (-2)
    assert YearMonth(2028, 1) - NOV == 14
    assert NOV - YearMonth(2028, 1) == -14
    assert NOV.months_until(YearMonth(2027, 2)) == 3


def test_ordering_and_hashing() -> None:
    assert YearMonth(2026, 12) > NOV > YearMonth(2025, 12)
    assert sorted([YearMonth(2027, 1), NOV, YearMonth(2026, 2)])[0] == YearMonth(2026, 2)
    assert len({NOV, YearMonth.parse("202611")}) == 1


def test_range_is_inclusive() -> None:
    months = YearMonth.range(YearMonth(2026, 11), YearMonth(2027, 2))
    assert [str(m) for m in months] == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert YearMonth.range(NOV, NOV) == [NOV]
    assert YearMonth.range(NOV, NOV.prev()) == []


def test_formatting() -> None:
    assert str(YearMonth(2026, 3)) == "2026-03"
    assert YearMonth(2026, 3).compact == "202603"
    assert YearMonth(2026, 3).label == "2026年3月"
    assert YearMonth(2026, 3).first_day() == date(2026, 3, 1)


def test_today_accepts_an_injected_date() -> None:
    assert YearMonth.today(date(2026, 11, 30)) == NOV
    assert YearMonth.today() == YearMonth.from_date(date.today())


months = st.builds(YearMonth, st.integers(1950, 2100), st.integers(1, 12))


@given(months, st.integers(-600, 600))
def test_add_then_subtract(month: YearMonth, n: int) -> None:
    assert (month + n) - n == month
    assert (month + n) - month == n


@given(months)
def test_str_and_compact_parse_back(month: YearMonth) -> None:
    assert YearMonth.parse(str(month)) == month
    assert YearMonth.parse(month.compact) == month
    assert YearMonth.parse(month.label) == month


@given(months, months)
def test_order_agrees_with_difference(a: YearMonth, b: YearMonth) -> None:
    assert (a < b) == (b - a > 0)
    assert len(YearMonth.range(a, b)) == max(0, b - a + 1)
