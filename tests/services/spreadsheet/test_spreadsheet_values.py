"""Cells to text, header names, format sniffing: the small rules the reader is made of."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest

from app.services.spreadsheet import ColumnKind, ColumnSpec, TableSpec, normalise_header
from app.services.spreadsheet.sources import FileFormat, detect_format, sniff_delimiter
from app.services.spreadsheet.values import cell_text, excel_general, typed_value

TEXT, MONEY, DATE, RATIO = ColumnKind.TEXT, ColumnKind.MONEY, ColumnKind.DATE, ColumnKind.RATIO


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (50.0, MONEY, "50"),
        (50.0, TEXT, "50"),
        (3000.5, MONEY, "3000.5"),
        (0.1 + 0.2, RATIO, "0.3"),
        (414.71999999999997, MONEY, "414.72"),
        (1.5e-05, RATIO, "0.000015"),
        (-12.0, MONEY, "-12"),
        (5000, MONEY, "5000"),
        (True, TEXT, "TRUE"),
        (None, TEXT, ""),
        ("", TEXT, ""),
        (" \u00a0张三\u3000\t", TEXT, "张三"),
        ("张\u00a0三", TEXT, "张 三"),
        ("\ufeff11010119900307777X", TEXT, "11010119900307777X"),
        ("ＡＢＣ１２３", TEXT, "ABC123"),
        ("北京市（朝阳区），", TEXT, "北京市（朝阳区），"),  # Chinese punctuation kept in text
        ("５，０００．５０", MONEY, "5,000.50"),  # all of NFKC for numbers
        ("１２％", RATIO, "12%"),
        (date(2024, 1, 5), DATE, "2024-01-05"),
        (datetime(2024, 1, 5, 23, 59), DATE, "2024-01-05"),
        (time(9, 30), TEXT, "09:30:00"),
        (45292.0, DATE, "2024-01-01"),
        (45292, DATE, "2024-01-01"),
        (45292.75, DATE, "2024-01-01"),
        (202401.0, DATE, "202401"),  # a year-month, not a serial
        ("2024/1/5", DATE, "2024-01-05"),
        ("2024.01.05", DATE, "2024-01-05"),
        ("２０２４年１月５日", DATE, "2024-01-05"),
        ("2024-1-5 08:30", DATE, "2024-01-05"),
        ("2024/2/30", DATE, "2024/2/30"),  # not a date: left for the rules to report
        ("202401", DATE, "202401"),
        (Decimal("3000.50"), MONEY, "3000.5"),
    ],
)
def test_cell_text(value: object, kind: ColumnKind, text: str) -> None:
    assert cell_text(value, kind) == (text, None)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (410203199001011000.0, "4.10203199001011E+17"),
        (410203199001011234, "4.10203199001011E+17"),  # .xls may give an int
        (1101011990030777.0, "1.10101199003078E+15"),
        ("4.10203E+17", "4.10203E+17"),  # a CSV saved by Excel
        ("4.10203199001011E+017", "4.10203199001011E+17"),  # by LibreOffice
        ("1.10101e+17", "1.10101E+17"),
    ],
)
def test_ids_turned_into_scientific_notation(value: object, shown: str) -> None:
    text, problem = cell_text(value, TEXT)

    assert text == shown
    assert problem is not None
    assert shown in problem
    assert "科学计数法" in problem


def test_fifteen_digit_numbers_are_exact_and_not_a_problem() -> None:
    assert cell_text(410203900101123.0, TEXT) == ("410203900101123", None)


def test_large_numbers_in_number_columns_are_no_id_problem() -> None:
    assert cell_text(1e16, MONEY) == ("10000000000000000", None)
    assert cell_text("1.2E+3", TEXT) == ("1.2E+3", None)  # small exponent: not an ID


def test_excel_general_keeps_fifteen_digits() -> None:
    assert excel_general(1 / 3) == "0.333333333333333"
    assert excel_general(1e20) == "1E+20"


def test_typed_value() -> None:
    assert typed_value("5000", MONEY) == 5000
    assert typed_value("3000.50", MONEY) == Decimal("3000.50")
    assert typed_value("12%", RATIO) == "12%"
    assert typed_value("000123", TEXT) == "000123"
    assert typed_value("2024-01-05", DATE) == date(2024, 1, 5)
    assert typed_value("2024-02-30", DATE) == "2024-02-30"
    assert typed_value(Decimal("1"), MONEY) == Decimal("1")


@pytest.mark.parametrize(
    ("header", "normal"),
    [
        ("姓名", "姓名"),
        (" 姓 名 ", "姓名"),
        ("姓\u3000名\n", "姓名"),
        ("*姓名", "姓名"),
        ("姓名＊", "姓名"),
        ("姓名（必填）", "姓名"),
        ("姓名 (选填)", "姓名"),
        ("姓名【必填】", "姓名"),
        ("证件号码:", "证件号码"),
        ("ＩＤ", "id"),
        (None, ""),
        (12, "12"),
    ],
)
def test_normalise_header(header: object, normal: str) -> None:
    assert normalise_header(header) == normal


def test_table_spec_refuses_ambiguous_headers_and_duplicate_keys() -> None:
    with pytest.raises(ValueError, match="ambiguous"):
        TableSpec("t", (ColumnSpec("a", "姓名"), ColumnSpec("b", "名称", aliases=("姓名*",))))
    with pytest.raises(ValueError, match="duplicate"):
        TableSpec("t", (ColumnSpec("a", "姓名"), ColumnSpec("a", "名称")))


def test_table_spec_lookup(spec: TableSpec) -> None:
    found = spec.find_column(" 身份证号码（必填）")
    assert found is not None
    assert found.key == "id_number"
    assert spec.find_column("备注") is None
    assert spec.column("base").kind is ColumnKind.MONEY
    assert ColumnSpec("k", "列", kind="date").kind is ColumnKind.DATE  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("标题\na,b,c\n1,2,3\n", ","),
        ("标题\na\tb\tc\n1\t2,5\t3\n", "\t"),
        ("a;b;c\n1;2,5;3\n4;5,5;6\n", ";"),
        ('"x,y";b;c\n1;2;3\n', ";"),
        ("只有一列\n", ","),
    ],
)
def test_sniff_delimiter(text: str, delimiter: str) -> None:
    assert sniff_delimiter(text) == delimiter


@pytest.mark.parametrize(
    ("content", "fmt"),
    [
        (b"\xef\xbb\xbf<!DOCTYPE html><html>", FileFormat.HTML),
        (b"  <table><tr><td>1</td></tr></table>", FileFormat.HTML),
        ("姓名,证件号码\n".encode("gbk"), FileFormat.CSV),
        (b"\xff\xfe" + "姓名\t号码".encode("utf-16-le"), FileFormat.CSV),
    ],
)
def test_detect_format_by_bytes(tmp_path: Path, content: bytes, fmt: FileFormat) -> None:
    path = tmp_path / "x.xls"
    path.write_bytes(content)

    assert detect_format(path) is fmt


def test_spreadsheet_layer_imports_no_qt() -> None:
    code = (
        "import sys, app.services.spreadsheet\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt imported'\n"
    )
    root = Path(__file__).resolve().parents[3]

    subprocess.run([sys.executable, "-c", code], cwd=root, check=True, timeout=60)
