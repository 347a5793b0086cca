"""A file's rows checked by one RowChecker get exactly the verdicts `check_row` gives each."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from app.services.businesses import SPECS
from app.services.engine import rows
from app.services.engine.rows import RowChecker, check_row
from app.services.engine.spec import (
    BusinessSpec,
    FieldKind,
    FieldSpec,
    Roster,
    RowContext,
    UnitTerms,
)
from app.services.policy import load_default
from tests.ids import resident_id

TODAY = date(2026, 11, 28)
TERMS = UnitTerms(unit_ratio=Decimal("0.12"), personal_ratio=Decimal("0.12"))

# A made-up business (not 个人开户): the checker assumes nothing of one.
MADE_UP = BusinessSpec(
    code="made-up",
    name="虚构业务",
    list_name="虚构清册",
    fields=(
        FieldSpec("note", "备注", max_length=4),
        FieldSpec("colour", "颜色", FieldKind.CHOICE, choices=("红", "蓝"), required=True),
        FieldSpec("id_type", "证件类型", FieldKind.ID_TYPE),
        FieldSpec("id_number", "证件号码", FieldKind.ID_NUMBER, checked_with="id_type"),
        FieldSpec("born", "入职日期", FieldKind.DATE),
        FieldSpec("money", "金额", FieldKind.MONEY),
    ),
    unique_key="id_number",
)


def context(**changes: Any) -> RowContext:
    ctx = RowContext(load_default(), TERMS, Roster([]), TODAY)
    for name, value in changes.items():
        setattr(ctx, name, value)
    return ctx


def file_rows() -> list[dict[str, Any]]:
    """Rows as a clerk's file has them: texts repeating, good and bad, and a few non-texts."""
    rows_: list[dict[str, Any]] = []
    for n in range(40):
        rows_.append(
            {
                "note": ["", "好", "太长的备注了", "  "][n % 4],
                "colour": ["红", "绿", "", "蓝", 5][n % 5],
                "id_type": ["", "居民身份证", "护照", "飞机票"][n % 4],
                "id_number": resident_id(f"4102031988051{n:03d}1"[:17]) if n % 3 else "E12345678",
                "born": ["2026-11-05", "2026-13-01", date(2026, 1, 2), "20261105"][n % 4],
                "money": ["5000", "5,000.5", "-1", 5000.25, "abc"][n % 5],
            }
        )
    return rows_


@pytest.mark.parametrize("remember", [True, False])
def test_each_row_gets_check_rows_verdict_whatever_repeats(remember: bool) -> None:
    ctx = context(pending_keys={resident_id("41020319880510011").upper(): 7})
    checker = RowChecker(MADE_UP, ctx, remember=remember)
    for raw in file_rows():
        assert checker.check(raw) == check_row(MADE_UP, raw, ctx), raw


def test_a_wrong_text_seen_again_is_still_wrong_with_the_same_message() -> None:
    ctx = context()
    checker = RowChecker(MADE_UP, ctx)
    first = checker.check({"colour": "绿", "born": "2026-13-01"})
    again = checker.check({"colour": "绿", "born": "2026-13-01"})
    assert first.errors == again.errors and set(first.errors) == {"colour", "born"}
    assert again.values["colour"] == "绿" and "不是可选的颜色" in again.errors["colour"]
    assert checker.check({"colour": "红", "born": "2026-11-05"}).ok


def test_the_lists_value_stands_for_a_blank_cell_as_in_check_row() -> None:
    ctx = context(list_values={"colour": "蓝", "note": "   ", "born": "2026-11-05"})
    checker = RowChecker(MADE_UP, ctx)
    for raw in ({}, {"colour": "  ", "born": None}, {"colour": "红", "born": "2026-01-02"}):
        found = checker.check(raw)
        assert found == check_row(MADE_UP, raw, ctx)
    assert checker.check({}).values["colour"] == "蓝"
    assert checker.check({}).errors == {}
    assert "note" not in RowChecker(MADE_UP, context()).check({"colour": "红"}).errors


def test_past_the_limit_new_texts_are_checked_each_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rows, "REMEMBERED_PER_FIELD", 2)
    ctx = context()
    checker = RowChecker(MADE_UP, ctx)
    for raw in file_rows():
        assert checker.check(raw) == check_row(MADE_UP, raw, ctx)


def test_open_account_rows_of_a_file_match_check_row() -> None:
    spec = SPECS["open-account"]
    ctx = context()
    checker = RowChecker(spec, ctx)
    for n in range(30):
        raw = {
            "name": ["王伟", "欧阳娜娜", "王1", "John Smith"][n % 4],
            "id_number": resident_id(f"41020319{80 + n % 20}0516{n:03d}"),
            "mobile": ["13903781234", "1390378", "+86 139 0378 1234"][n % 3],
            "base": ["6200", "1000", "6200.123"][n % 3],
            "hire_date": ["2026-11-05", "", "2026-02-30"][n % 3],
            "education": ["大学本科", "博士后", ""][n % 3],
        }
        assert checker.check(raw) == check_row(spec, raw, ctx), raw
