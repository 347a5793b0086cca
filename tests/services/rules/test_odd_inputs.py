"""What the rules say to the odd values spreadsheets and callers hand them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.errors import BadInputError
from app.services.policy import load_default
from app.services.rules.contribution import compute_contribution
from app.services.rules.idnumber import IdType, check_id
from app.services.rules.yearmonth import YearMonth

TODAY = date(2026, 11, 28)


def test_a_true_false_cell_is_no_id_number() -> None:
    check = check_id(IdType.PASSPORT, True, TODAY)  # type: ignore[arg-type]
    assert not check.valid and check.message == "证件号码不能是真/假值"


def test_excel_scientific_notation_is_refused_for_other_id_types_too() -> None:
    check = check_id(IdType.HK_MACAU_PASS, "8.10101E+17", TODAY)
    assert not check.valid
    assert check.message is not None and "科学计数法" in check.message
    assert check.message.startswith("“8.10101E+17”")


def test_a_float_amount_is_a_bug_upstream_not_a_clerks_mistake() -> None:
    with pytest.raises(TypeError, match="缴存基数 must be a Decimal, got float"):
        compute_contribution(5000.0, Decimal("0.12"), Decimal("0.12"), load_default())  # type: ignore[arg-type]


@pytest.mark.parametrize(("year", "shown"), [(1899, "年份 1899"), (3000, "年份 3000")])
def test_a_year_out_of_range_is_named(year: int, shown: str) -> None:
    with pytest.raises(BadInputError, match=f"{shown} 不在 1900–2999 之间") as caught:
        YearMonth(year, 5)
    assert caught.value.field == "month"


def test_a_month_from_a_value_of_no_known_kind_is_refused() -> None:
    with pytest.raises(BadInputError, match="不是有效的年月") as caught:
        YearMonth.parse([2026, 5])  # type: ignore[arg-type]
    assert caught.value.field == "month"


def test_months_add_and_subtract_only_whole_months() -> None:
    month = YearMonth(2026, 11)
    with pytest.raises(TypeError):
        month + 1.5  # type: ignore[operator]  # noqa: B018
    with pytest.raises(TypeError):
        month - "1"  # type: ignore[operator]  # noqa: B018
    with pytest.raises(TypeError):
        month + True  # noqa: B018
    assert month + 2 == YearMonth(2027, 1) and month - YearMonth(2026, 1) == 10


@pytest.mark.parametrize("base", [Decimal("NaN"), Decimal("Infinity")])
def test_a_base_that_is_no_number_is_refused_by_name(base: Decimal) -> None:
    with pytest.raises(BadInputError, match="^缴存基数不是有效的数字$"):
        compute_contribution(base, Decimal("0.12"), Decimal("0.12"), load_default())
