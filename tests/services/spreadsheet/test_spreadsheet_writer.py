"""Templates, exports and error reports: what Excel shows, and that the reader reads them back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from app.errors import StorageError
from app.services.spreadsheet import (
    EXAMPLE_MARKER,
    CellProblem,
    ColumnKind,
    ColumnSpec,
    TableSpec,
    read_table,
    write_error_report,
    write_rows,
    write_template,
)

Fixture = Callable[[str], Path]


def sheet_of(path: Path, title: str) -> Worksheet:
    sheet = load_workbook(path)[title]
    assert isinstance(sheet, Worksheet)
    return sheet


@pytest.fixture
def template(tmp_path: Path, spec: TableSpec) -> Path:
    return write_template(tmp_path / "身份证批量开户模版.xlsx", spec)


def test_template_reads_back_with_every_header_and_no_rows(template: Path, spec: TableSpec) -> None:
    result = read_table(template, spec)

    assert result.rows == []
    assert result.skipped_example_rows == [2]
    assert result.missing_required == []
    assert result.unknown_headers == []
    assert result.problems == []


def test_template_headers_red_when_required(template: Path, spec: TableSpec) -> None:
    sheet = sheet_of(template, spec.sheet_title)

    headers = [cell.value for cell in sheet[1]][: len(spec.columns)]
    assert headers == [c.header for c in spec.columns]
    for cell, column in zip(sheet[1], spec.columns, strict=False):
        assert cell.font.b
        red = cell.font.color is not None and cell.font.color.rgb == "FFFF0000"
        assert red == column.required, column.header
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["C"].width == 22


def test_template_text_columns_formatted_as_text(template: Path, spec: TableSpec) -> None:
    sheet = sheet_of(template, spec.sheet_title)

    id_col = 3  # 证件号码
    assert sheet.cell(row=3, column=id_col).number_format == "@"
    assert sheet.cell(row=5001, column=id_col).number_format == "@"
    assert sheet.cell(row=3, column=4).number_format != "@"  # 缴存基数 is a number


def test_template_dropdown_notes_and_example(template: Path, spec: TableSpec) -> None:
    sheet = sheet_of(template, spec.sheet_title)

    validations = sheet.data_validations.dataValidation
    assert len(validations) == 1
    assert validations[0].formula1 == '"身份证,护照,港澳台居民居住证"'
    assert str(validations[0].sqref) == "B2:B5001"
    assert sheet["A1"].comment is not None
    assert sheet["A1"].comment.text == "与身份证一致"
    assert sheet["C2"].value == "110101199003077777"
    assert sheet["C2"].font.i
    marker = sheet.cell(row=2, column=len(spec.columns) + 1).value
    assert isinstance(marker, str)
    assert marker.startswith(EXAMPLE_MARKER)


def test_template_instructions_sheet(template: Path, spec: TableSpec) -> None:
    sheet = sheet_of(template, "说明")

    texts = [cell.value for cell in sheet["A"] if cell.value]
    assert "第一行是表头，请勿修改表头文字。" in texts
    assert "证件号码" in texts
    assert any("港澳台居民居住证" in str(cell.value) for cell in sheet["C"])


def test_long_choice_lists_go_to_a_hidden_sheet(tmp_path: Path) -> None:
    reasons = tuple(f"封存原因第{i}种情况说明" for i in range(30))
    spec = TableSpec(
        "封存", (ColumnSpec("reason", "封存原因", kind=ColumnKind.CHOICE, choices=reasons),)
    )
    path = write_template(tmp_path / "t.xlsx", spec)

    workbook = load_workbook(path)
    assert workbook["选项"].sheet_state == "hidden"
    validation = workbook[spec.sheet_title].data_validations.dataValidation[0]
    assert validation.formula1 == "'选项'!$A$1:$A$30"


def fill(path: Path, title: str, rows: dict[int, list[str | int | None]]) -> None:
    workbook = load_workbook(path)
    sheet = workbook[title]
    for row, values in rows.items():
        for col, value in enumerate(values, start=1):
            sheet.cell(row=row, column=col, value=value)
    workbook.save(path)


def test_clerk_fills_the_template_keeping_the_example(template: Path, spec: TableSpec) -> None:
    fill(template, spec.sheet_title, {3: ["李四", "身份证", "11010119850101002X", 3000]})

    result = read_table(template, spec)

    assert [(r.row_number, r.values["name"]) for r in result.rows] == [(3, "李四")]
    assert result.skipped_example_rows == [2]


def test_clerk_types_over_the_example_row(template: Path, spec: TableSpec) -> None:
    fill(template, spec.sheet_title, {2: ["李四", "身份证", "11010119850101002X", 3000]})

    result = read_table(template, spec)

    # Not dropped, not silently imported: the clerk is asked to remove the marker.
    assert [(r.row_number, r.values["name"]) for r in result.rows] == [(2, "李四")]
    assert [(p.row, p.column) for p in result.problems] == [(2, "")]
    assert "示例行" in result.problems[0].message


def test_custom_example_rows_are_skipped_too(tmp_path: Path, spec: TableSpec) -> None:
    examples = [
        {
            "name": "王五",
            "id_number": "11010119850101002X",
            "base": "3000.50",
            "start": "2024-03-01",
        },
        {"name": "赵六", "id_type": "护照", "id_number": "E12345678", "base": "8000"},
    ]
    path = write_template(tmp_path / "t.xlsx", spec, examples)

    result = read_table(path, spec)

    assert result.rows == []
    assert result.skipped_example_rows == [2, 3]


def test_export_reads_back_unchanged(tmp_path: Path, spec: TableSpec) -> None:
    records: list[dict[str, object]] = [
        {
            "name": "张三",
            "id_type": "身份证",
            "id_number": "110101199003077777",
            "base": Decimal("5000.50"),
            "ratio": Decimal("0.12"),
            "start": date(2024, 1, 5),
            "mobile": "13800138000",
        },
        {"name": "李四", "id_number": "000123", "base": "3000", "start": "2024-02-01"},
    ]
    path = write_rows(tmp_path / "缴存职工数据导出.xlsx", spec, records)

    result = read_table(path, spec)

    assert result.ok
    assert [r.values for r in result.rows] == [
        {
            "name": "张三",
            "id_type": "身份证",
            "id_number": "110101199003077777",
            "base": "5000.5",
            "ratio": "0.12",
            "start": "2024-01-05",
            "mobile": "13800138000",
        },
        {
            "name": "李四",
            "id_type": "",
            "id_number": "000123",
            "base": "3000",
            "ratio": "",
            "start": "2024-02-01",
            "mobile": "",
        },
    ]
    sheet = sheet_of(path, spec.sheet_title)
    assert sheet["C2"].number_format == "@"
    assert sheet["D2"].value == 5000.5  # a number the clerk can sum and edit


def test_error_report_marks_bad_cells(tmp_path: Path, spec: TableSpec, fixture: Fixture) -> None:
    result = read_table(fixture("messy.xlsx"), spec)
    problems = [
        *result.problems,
        CellProblem(4, "缴存基数", "5000", "缴存基数低于最低工资标准"),
        CellProblem(10, "", "", "与第 4 行证件号码重复"),
        CellProblem(3, "个人缴存比例", "", "缺少必填列"),
    ]

    path = write_error_report(tmp_path / "错误报告.xlsx", spec, result.rows, problems)

    sheet = sheet_of(path, spec.sheet_title)
    header = [cell.value for cell in sheet[1]]
    assert header == [c.header for c in spec.columns] + ["原行号", "错误说明"]
    by_source = {sheet.cell(row=r, column=8).value: r for r in range(2, sheet.max_row + 1)}
    assert set(by_source) == {4, 6, 7, 10}
    bad_id = sheet.cell(row=by_source[6], column=3)
    assert bad_id.value == "4.10203199001011E+17"
    assert bad_id.fill.fgColor.rgb == "FFFF9999"
    assert bad_id.comment is not None
    assert "科学计数法" in bad_id.comment.text
    assert sheet.cell(row=by_source[4], column=4).fill.fgColor.rgb == "FFFF9999"
    assert sheet.cell(row=by_source[7], column=3).fill.fill_type is None
    assert sheet.cell(row=by_source[7], column=3).comment is None
    assert sheet.cell(row=by_source[10], column=9).value == "与第 4 行证件号码重复"
    assert "证件号码：" in str(sheet.cell(row=by_source[6], column=9).value)
    assert sheet.cell(row=by_source[7], column=9).value is None
    summary = sheet_of(path, "问题汇总")
    assert summary.max_row == 1 + len(problems)
    assert [summary.cell(row=r, column=1).value for r in range(2, 6)] == [3, 4, 6, 10]


def test_corrected_error_report_imports_again(
    tmp_path: Path, spec: TableSpec, fixture: Fixture
) -> None:
    result = read_table(fixture("messy.xlsx"), spec)
    path = write_error_report(tmp_path / "错误报告.xlsx", spec, result.rows, result.problems)
    fill(path, spec.sheet_title, {3: [None, None, "410203199001011234"]})

    again = read_table(path, spec)

    assert again.unknown_headers == []
    assert again.ok
    assert [r.values["id_number"] for r in again.rows][:2] == [
        "410203199001011234",
        "410203199001011234",
    ]


def test_saving_where_no_folder_can_be_is_a_storage_error(tmp_path: Path, spec: TableSpec) -> None:
    blocker = tmp_path / "不是文件夹"
    blocker.write_text("x")

    with pytest.raises(StorageError, match="无法保存"):
        write_template(blocker / "t.xlsx", spec)
