"""A table spec shaped like 身份证批量开户, and the committed fixture files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app.services.spreadsheet import ColumnKind, ColumnSpec, TableSpec

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "spreadsheet"

OPEN_ACCOUNT = TableSpec(
    name="身份证批量开户",
    sheet_title="开户清册",
    instructions=("第一行是表头，请勿修改表头文字。", "红色表头为必填项。"),
    columns=(
        ColumnSpec("name", "姓名", required=True, note="与身份证一致", example="张三"),
        ColumnSpec(
            "id_type",
            "证件类型",
            kind=ColumnKind.CHOICE,
            choices=("身份证", "护照", "港澳台居民居住证"),
            example="身份证",
        ),
        ColumnSpec(
            "id_number",
            "证件号码",
            aliases=("身份证号", "身份证号码"),
            required=True,
            width=22,
            note="18 位身份证号码，末位 X 大写",
            example="110101199003077777",
        ),
        ColumnSpec(
            "base",
            "缴存基数",
            aliases=("月缴存基数",),
            required=True,
            kind=ColumnKind.MONEY,
            example="5000",
        ),
        ColumnSpec("ratio", "个人缴存比例", kind=ColumnKind.RATIO, example="0.12"),
        ColumnSpec("start", "起缴日期", kind=ColumnKind.DATE, example="2024-01-01"),
        ColumnSpec("mobile", "手机号码", example="13800138000"),
    ),
)


@pytest.fixture
def spec() -> TableSpec:
    return OPEN_ACCOUNT


def _fixture(name: str) -> Path:
    path = FIXTURES / name
    assert path.exists(), f"missing fixture {name}: run tools/make_spreadsheet_fixtures.py"
    return path


@pytest.fixture
def fixture() -> Callable[[str], Path]:
    """A committed fixture file by name (made by tools/make_spreadsheet_fixtures.py)."""
    return _fixture
