"""A row's errors carry their field: every message sits beside the field it is about (issue 8)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.services.businesses import SPECS
from app.services.engine.rows import check_row
from app.services.engine.spec import Roster, RowContext, UnitTerms
from app.services.policy import load_default
from app.services.rules.contribution import compute_contribution
from tests.ids import gb11643

WANG = "41020319880516001" + gb11643("41020319880516001")
ROW = {"name": "王建国", "id_number": WANG, "mobile": "13903781234", "base": "6200"}


def context(unit: UnitTerms) -> RowContext:
    return RowContext(load_default(), unit, Roster([]), date(2026, 11, 28))


def test_unknown_unit_ratios_name_each_field_and_how_to_get_them() -> None:
    result = check_row(SPECS["open-account"], ROW, context(UnitTerms()))
    unit, personal = result.errors["unit_ratio"], result.errors["personal_ratio"]
    assert unit.startswith("尚未取得本单位的单位缴存比例") and "登录" in unit
    assert personal.startswith("尚未取得本单位的个人缴存比例") and "单位缴存比例" not in personal
    assert set(result.errors) == {"unit_ratio", "personal_ratio"}


def test_limit_problems_go_to_the_field_they_are_about() -> None:
    terms = UnitTerms(unit_ratio=Decimal("0.12"), personal_ratio=Decimal("0.12"))
    row = {**ROW, "unit_ratio": "13%", "personal_ratio": "4%", "base": "1000"}
    errors = check_row(SPECS["open-account"], row, context(terms)).errors
    assert errors["unit_ratio"].startswith("单位缴存比例 13%")
    assert errors["personal_ratio"].startswith("个人缴存比例 4%")
    assert errors["base"].startswith("缴存基数 1,000.00 低于")


def test_a_contribution_says_which_part_each_problem_is_about() -> None:
    result = compute_contribution(Decimal("1000"), Decimal("0.13"), Decimal("0.04"), load_default())
    assert set(result.problems_by_part) >= {"unit_ratio", "personal_ratio", "base"}
    assert "13%" in result.problems_by_part["unit_ratio"]
    assert result.problems == list(result.problems_by_part.values())
