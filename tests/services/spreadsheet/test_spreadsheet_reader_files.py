"""read_table on real files: every format, as saved by openpyxl and LibreOffice (fixtures)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from app.errors import BadInputError
from app.services.spreadsheet import TableSpec, read_table

Fixture = Callable[[str], Path]

MESSY_FILES = [
    ("messy.xlsx", "xlsx"),
    ("messy.xls", "xls"),
    ("messy.ods", "ods"),
    ("messy_gbk.csv", "csv"),
    ("messy_utf8.csv", "csv"),
    ("messy_utf8_bom.csv", "csv"),
]
CLEAN_FILES = [
    ("clean.xlsx", "xlsx"),
    ("clean.xls", "xls"),
    ("clean.ods", "ods"),
    ("xlsx_named.xls", "xlsx"),  # an .xlsx saved under an .xls name
]

# What the messy sheet must read as, whatever format it was saved in.
MESSY_EXPECTED = {
    4: {
        "name": "张三",
        "id_type": "身份证",
        "id_number": "410203199001011234",
        "base": "5000",
        "ratio": "0.12",
        "start": "2024-01-05",
        "mobile": "13800138000",
    },
    6: {
        "name": "李四",
        "id_type": "身份证",
        "id_number": "4.10203199001011E+17",
        "base": "3000.50",
        "ratio": "12%",
        "start": "2024-01-05",
        "mobile": "",
    },
    7: {
        "name": "王五",
        "id_type": "身份证",
        "id_number": "410203900101123",
        "base": "8000",
        "ratio": "0.1",
        "start": "2024-02-01",
        "mobile": "13900139000",
    },
    10: {
        "name": "赵六",
        "id_type": "身份证",
        "id_number": "11010119850101002X",
        "base": "3200",
        "ratio": "0.12",
        "start": "2024-03-01",
        "mobile": "",
    },
}
CLEAN_EXPECTED = {
    2: ("张三", "身份证", "110101199003077777", "5000", "0.12", "2024-01-05", "13800138000"),
    3: ("李四", "身份证", "11010119850101002X", "3000.5", "0.1", "2023-12-01", ""),
    4: ("王五", "护照", "E12345678", "8000", "0.12", "2024-02-01", "13900139000"),
}


@pytest.mark.parametrize(("name", "fmt"), MESSY_FILES)
def test_messy_sheet_reads_the_same_in_every_format(
    name: str, fmt: str, spec: TableSpec, fixture: Fixture
) -> None:
    result = read_table(fixture(name), spec)

    assert result.source_format == fmt
    assert result.header_row == 3  # under a title row and an empty row
    assert result.missing_required == []
    assert result.unknown_headers == ["备注"]
    assert {row.row_number: row.values for row in result.rows} == MESSY_EXPECTED


@pytest.mark.parametrize(("name", "fmt"), MESSY_FILES)
def test_id_in_a_number_cell_is_reported_as_scientific_notation(
    name: str, fmt: str, spec: TableSpec, fixture: Fixture
) -> None:
    result = read_table(fixture(name), spec)

    assert len(result.problems) == 1
    problem = result.problems[0]
    assert (problem.row, problem.column, problem.key) == (6, "证件号码", "id_number")
    assert problem.value == "4.10203199001011E+17"
    assert "科学计数法" in problem.message
    assert "文本" in problem.message


@pytest.mark.parametrize(("name", "fmt"), CLEAN_FILES)
def test_clean_template_shaped_file(name: str, fmt: str, spec: TableSpec, fixture: Fixture) -> None:
    result = read_table(fixture(name), spec)

    assert result.source_format == fmt
    assert result.header_row == 1
    assert result.ok
    assert result.unknown_headers == []
    keys = [c.key for c in spec.columns]
    assert {r.row_number: tuple(r.values[k] for k in keys) for r in result.rows} == CLEAN_EXPECTED


def test_raw_keeps_what_the_file_held(spec: TableSpec, fixture: Fixture) -> None:
    row = read_table(fixture("clean.xlsx"), spec).rows[0]

    assert row.raw["base"] == 5000.0
    assert row.values["base"] == "5000"
    assert str(row.raw["start"]) == "2024-01-05"


def test_csv_saved_by_excel_keeps_the_sci_notation_as_shown(
    spec: TableSpec, fixture: Fixture
) -> None:
    result = read_table(fixture("excel_sci_gbk.csv"), spec)

    assert [r.values["id_number"] for r in result.rows] == ["4.10203E+17", "110101199003077777"]
    assert [(p.row, p.column) for p in result.problems] == [(2, "证件号码")]
    assert result.missing_required == []


def test_unicode_text_utf16_tab_separated(spec: TableSpec, fixture: Fixture) -> None:
    result = read_table(fixture("unicode_text.txt"), spec)

    assert [r.values["name"] for r in result.rows] == ["张三"]
    assert result.rows[0].values["id_number"] == "110101199003077777"


def test_semicolon_separated(spec: TableSpec, fixture: Fixture) -> None:
    result = read_table(fixture("semicolon.csv"), spec)

    # The decimal comma is the rules' business; the reader keeps the cell as it was.
    assert result.rows[0].values == {**result.rows[0].values, "name": "张三", "base": "5000,5"}


def test_html_table_saved_as_xls(spec: TableSpec, fixture: Fixture) -> None:
    result = read_table(fixture("html_named.xls"), spec)

    assert result.source_format == "html"
    assert result.header_row == 2
    assert [(r.row_number, r.values["name"], r.values["id_number"]) for r in result.rows] == [
        (3, "张三", "110101199003077777"),
        (4, "李 四", "11010119850101002X"),
    ]
    assert result.rows[1].values["base"] == "3,000.50"


def test_missing_required_columns_all_reported_at_once(spec: TableSpec, fixture: Fixture) -> None:
    result = read_table(fixture("missing_columns.xlsx"), spec)

    assert result.missing_required == ["证件号码", "缴存基数"]
    assert result.unknown_headers == ["性别", "部门"]
    assert not result.ok
    assert result.rows[0].values["id_number"] == ""


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("corrupt.xlsx", "已损坏"),
        ("corrupt.xls", "已损坏"),
        ("protected.xls", "密码"),
        ("protected.ods", "密码"),
        ("empty.csv", "空的"),
        ("no_header.xlsx", "找不到表头"),
    ],
)
def test_unreadable_file_is_bad_input_naming_the_file(
    name: str, words: str, spec: TableSpec, fixture: Fixture
) -> None:
    with pytest.raises(BadInputError) as caught:
        read_table(fixture(name), spec)

    assert f"「{name}」" in caught.value.message
    assert words in caught.value.message


def test_password_protected_file_under_another_name(
    tmp_path: Path, spec: TableSpec, fixture: Fixture
) -> None:
    renamed = tmp_path / "职工名单.xlsx"
    shutil.copy(fixture("protected.ods"), renamed)

    with pytest.raises(BadInputError, match="职工名单.xlsx"):
        read_table(renamed, spec)


def test_no_header_message_names_the_expected_headers(spec: TableSpec, fixture: Fixture) -> None:
    with pytest.raises(BadInputError) as caught:
        read_table(fixture("no_header.xlsx"), spec)

    assert "姓名、证件号码、缴存基数" in caught.value.message


def test_missing_file_and_folder(tmp_path: Path, spec: TableSpec) -> None:
    with pytest.raises(BadInputError, match="不存在"):
        read_table(tmp_path / "没有这个文件.xlsx", spec)
    with pytest.raises(BadInputError, match="文件夹"):
        read_table(tmp_path, spec)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"%PDF-1.7\n...", "PDF"),
        (b"\x00\x01\x02\x03binary junk\x00", "已损坏"),
        (
            b'<?xml version="1.0"?>\n'
            b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
            "XML",
        ),
    ],
)
def test_files_that_are_no_table(
    tmp_path: Path, content: bytes, words: str, spec: TableSpec
) -> None:
    path = tmp_path / "名单.xls"
    path.write_bytes(content)

    with pytest.raises(BadInputError, match=words):
        read_table(path, spec)


def test_csv_in_an_unknown_encoding(tmp_path: Path, spec: TableSpec) -> None:
    path = tmp_path / "名单.csv"
    path.write_bytes("姓名,证件号码\n".encode("gbk") + b"\x81\x20\xff\xfe\x81\x20\n")

    with pytest.raises(BadInputError, match="编码"):
        read_table(path, spec)
