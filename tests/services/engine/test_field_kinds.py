"""Each kind of field through the shared row check, with a made-up business (not 个人开户)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

import pytest

from app.services.engine.rows import check_row
from app.services.engine.spec import (
    BusinessSpec,
    FieldKind,
    FieldSpec,
    Roster,
    RowCheck,
    RowContext,
    UnitTerms,
)
from app.services.policy import CentrePolicy, load_default
from tests.ids import resident_id

TODAY = date(2026, 11, 28)
WANG = resident_id("41020319880516001")

SPEC = BusinessSpec(
    code="made-up",
    name="虚构业务",
    list_name="虚构清册",
    fields=(
        FieldSpec("note", "备注", max_length=4),
        FieldSpec("colour", "颜色", FieldKind.CHOICE, choices=("红", "蓝")),
        FieldSpec("id_type", "证件类型", FieldKind.ID_TYPE),
        FieldSpec("id_number", "证件号码", FieldKind.ID_NUMBER),
        FieldSpec("born", "入职日期", FieldKind.DATE),
        FieldSpec("count", "人数", FieldKind.TEXT),
    ),
    unique_key=None,
)


def check(values: dict[str, Any], policy: CentrePolicy | None = None) -> RowCheck:
    ctx = RowContext(policy or load_default(), UnitTerms(), Roster([]), TODAY)
    return check_row(SPEC, values, ctx)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (datetime(2026, 11, 5, 9, 30), "2026-11-05"),  # a date-time cell from Excel
        (date(2026, 11, 5), "2026-11-05"),
        ("20261105", "2026-11-05"),
        ("2026年11月5日", "2026-11-05"),
        ("2026/11/05", "2026-11-05"),
    ],
)
def test_dates_in_the_shapes_clerks_type_them(typed: object, stored: str) -> None:
    result = check({"born": typed})
    assert result.ok and result.values["born"] == stored


@pytest.mark.parametrize("typed", ["2026-13-01", "下周一", "2026-02-30"])
def test_a_date_that_is_no_date_says_how_to_write_it(typed: str) -> None:
    result = check({"born": typed})
    assert result.errors == {"born": f"“{typed}”不是有效的日期，应写成 2026-11-05"}


def test_a_choice_outside_the_list_names_the_choices() -> None:
    assert check({"colour": "蓝"}).values["colour"] == "蓝"
    assert check({"colour": "绿"}).errors == {"colour": "“绿”不是可选的颜色，可选：红、蓝"}


def test_text_longer_than_the_field_allows_is_refused() -> None:
    assert check({"note": "四个字啊"}).ok
    assert check({"note": "五个字的话"}).errors == {"note": "备注不能超过 4 个字"}


def test_a_number_cell_in_a_text_field_is_kept_as_text_not_blank() -> None:
    result = check({"count": 12})
    assert result.ok and result.values["count"] == "12"


def test_an_id_type_the_centre_does_not_accept_is_refused() -> None:
    only_resident = dataclasses.replace(load_default(), accepted_id_types=("居民身份证",))
    result = check({"id_type": "护照", "id_number": "E12345678"}, only_resident)
    assert result.errors["id_type"] == "本中心不受理证件类型“护照”"


def test_an_id_number_from_a_number_cell_is_checked_as_digits() -> None:
    legacy = int(WANG[:6] + WANG[8:17])  # a 15-digit number survives a number cell
    result = check({"id_number": legacy})
    assert result.ok and result.values["id_number"] == WANG

    lost = check({"id_number": float(WANG[:17])})  # 18 digits do not: Excel rounded them
    assert "科学计数法" in lost.errors["id_number"]


def test_a_required_field_left_blank_asks_for_it_and_the_others_are_still_checked() -> None:
    spec = dataclasses.replace(
        SPEC,
        fields=(
            FieldSpec("colour", "颜色", FieldKind.CHOICE, required=True, choices=("红",)),
            *SPEC.fields[:1],
        ),
    )
    ctx = RowContext(load_default(), UnitTerms(), Roster([]), TODAY)
    result = check_row(spec, {"colour": "　", "note": "太长的备注"}, ctx)
    assert result.errors == {"colour": "请填写颜色", "note": "备注不能超过 4 个字"}
    assert result.values["colour"] == ""
