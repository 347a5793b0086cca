"""Writing .xlsx with openpyxl: import templates, exports, and error reports with marked cells."""

from __future__ import annotations

import logging
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from os import PathLike
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from app.errors import StorageError
from app.services.spreadsheet.reader import EXAMPLE_MARKER, REPORT_HEADERS, example_fingerprint
from app.services.spreadsheet.result import CellProblem, SheetRow
from app.services.spreadsheet.spec import ColumnKind, ColumnSpec, TableSpec
from app.services.spreadsheet.values import typed_value, written_text

logger = logging.getLogger(__name__)

TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"
INSTRUCTIONS_TITLE = "说明"
CHOICES_TITLE = "选项"
SUMMARY_TITLE = "问题汇总"
ERROR_HEADER, SOURCE_ROW_HEADER = REPORT_HEADERS
COMMENT_AUTHOR = "gjj-desk"

REQUIRED_FONT = Font(bold=True, color="FFFF0000")
HEADER_FONT = Font(bold=True)
EXAMPLE_FONT = Font(italic=True, color="FF808080")
BAD_FILL = PatternFill(fill_type="solid", start_color="FFFF9999", end_color="FFFF9999")
ERROR_FONT = Font(color="FFC00000")
WRAP = Alignment(wrap_text=True, vertical="top")

Record = Mapping[str, object]
CellValue = str | int | float | Decimal | date | datetime | None


def write_template(
    path: str | PathLike[str],
    spec: TableSpec,
    example_rows: Sequence[Record] = (),
    *,
    text_rows: int = 5000,
) -> Path:
    """The import template: styled headers, text-formatted ID columns, dropdowns, notes,
    an example row (the spec's examples unless `example_rows` is given) and a 说明 sheet."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = spec.sheet_title
    _write_header(sheet, spec.columns, with_notes=True)
    for index, column in enumerate(spec.columns, start=1):
        if column.kind is ColumnKind.TEXT:
            for row in range(2, text_rows + 2):
                sheet.cell(row=row, column=index).number_format = TEXT_FORMAT
    examples = list(example_rows) or [{c.key: c.example for c in spec.columns}]
    if any(any(str(v) for v in example.values()) for example in examples):
        for offset, example in enumerate(examples, start=2):
            _write_example(sheet, spec, example, offset)
    _add_dropdowns(workbook, sheet, spec.columns, last_row=text_rows + 1)
    _write_instructions(workbook, spec)
    return _save(workbook, Path(path))


def write_rows(path: str | PathLike[str], spec: TableSpec, rows: Iterable[Record]) -> Path:
    """An export (e.g. 缴存职工数据导出) that the template reader reads back unchanged."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(spec.sheet_title)
    for index, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header = []
    for column in spec.columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = REQUIRED_FONT if column.required else HEADER_FONT
        header.append(cell)
    sheet.append(header)
    count = 0
    for record in rows:
        sheet.append(
            [_export_cell(sheet, column, record.get(column.key)) for column in spec.columns]
        )
        count += 1
    logger.info("exported %d rows of %s", count, spec.name)
    return _save(workbook, Path(path))


def write_error_report(
    path: str | PathLike[str],
    spec: TableSpec,
    rows: Sequence[SheetRow],
    problems: Sequence[CellProblem],
) -> Path:
    """The rows with their bad cells filled red and commented, a 错误说明 column per row,
    and a 问题汇总 sheet listing every problem (also those of rows not given)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = spec.sheet_title
    columns = spec.columns
    by_row: dict[int, list[CellProblem]] = defaultdict(list)
    for problem in problems:
        by_row[problem.row].append(problem)
    _write_header(sheet, columns, with_notes=False)
    source_col, error_col = len(columns) + 1, len(columns) + 2
    for col, title, width in ((source_col, SOURCE_ROW_HEADER, 8), (error_col, ERROR_HEADER, 60)):
        cell = sheet.cell(row=1, column=col, value=title)
        cell.font = HEADER_FONT
        sheet.column_dimensions[get_column_letter(col)].width = width
    position = {c.key: i for i, c in enumerate(columns, start=1)}
    for excel_row, row in enumerate(rows, start=2):
        for index, column in enumerate(columns, start=1):
            _text_cell(sheet, excel_row, index, column, row.values.get(column.key, ""))
        sheet.cell(row=excel_row, column=source_col, value=row.row_number)
        row_problems = by_row.get(row.row_number, [])
        for problem in row_problems:
            at = position.get(_problem_key(spec, problem) or "")
            if at is not None:
                _mark_bad(_cell(sheet, excel_row, at), problem.message)
        if row_problems:
            explanation = sheet.cell(row=excel_row, column=error_col, value=_explain(row_problems))
            explanation.font = ERROR_FONT
            explanation.alignment = WRAP
    _write_summary(workbook, problems)
    return _save(workbook, Path(path))


def _problem_key(spec: TableSpec, problem: CellProblem) -> str | None:
    if problem.key is not None:
        return problem.key
    column = spec.find_column(problem.column) if problem.column else None
    return column.key if column is not None else None


def _explain(problems: Sequence[CellProblem]) -> str:
    return "\n".join(f"{p.column}：{p.message}" if p.column else p.message for p in problems)


def _mark_bad(cell: Cell, message: str) -> None:
    cell.fill = BAD_FILL
    if cell.comment is not None:
        message = f"{cell.comment.text}\n{message}"
    cell.comment = _comment(message)


def _comment(text: str) -> Comment:
    comment = Comment(text, COMMENT_AUTHOR)
    comment.width, comment.height = 260, 110
    return comment


def _write_header(sheet: Worksheet, columns: Sequence[ColumnSpec], *, with_notes: bool) -> None:
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = REQUIRED_FONT if column.required else HEADER_FONT
        cell.alignment = Alignment(horizontal="center", vertical="center")
        if with_notes and column.note:
            cell.comment = _comment(column.note)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"


def _write_example(sheet: Worksheet, spec: TableSpec, example: Record, row: int) -> None:
    for index, column in enumerate(spec.columns, start=1):
        cell = _text_cell(sheet, row, index, column, example.get(column.key, ""))
        cell.font = EXAMPLE_FONT
    read_back = {c.key: written_text(example.get(c.key, ""), c.kind) for c in spec.columns}
    marker_text = f"{EXAMPLE_MARKER} {example_fingerprint(spec, read_back)}"
    marker = sheet.cell(row=row, column=len(spec.columns) + 1, value=marker_text)
    marker.font = EXAMPLE_FONT


def _text_cell(sheet: Worksheet, row: int, col: int, column: ColumnSpec, value: object) -> Cell:
    """A cell that reads back as the same text: text columns as text, numbers and dates typed."""
    cell = _cell(sheet, row, col)
    if value is None or value == "":
        return cell
    if column.kind in (ColumnKind.TEXT, ColumnKind.CHOICE):
        cell.value = str(value)
        cell.number_format = TEXT_FORMAT
        return cell
    cell.value = _cell_value(typed_value(value, column.kind))
    if isinstance(cell.value, date | datetime):
        cell.number_format = DATE_FORMAT
    return cell


def _cell(sheet: Worksheet, row: int, col: int) -> Cell:
    cell = sheet.cell(row=row, column=col)
    assert isinstance(cell, Cell), "no merged cells in sheets this module writes"
    return cell


def _cell_value(value: object) -> CellValue:
    """Values openpyxl writes as they are; anything else as its text."""
    if value is None or isinstance(value, str | int | float | Decimal | date):
        return value
    return str(value)


def _export_cell(sheet: Worksheet, column: ColumnSpec, value: object) -> Cell:
    if value is None:
        return WriteOnlyCell(sheet, value=None)
    if column.kind in (ColumnKind.TEXT, ColumnKind.CHOICE):
        cell = WriteOnlyCell(sheet, value=str(value))
        cell.number_format = TEXT_FORMAT
        return cell
    typed: Any = _cell_value(typed_value(value, column.kind))  # the stubs omit Decimal, date
    cell = WriteOnlyCell(sheet, value=typed)
    if isinstance(cell.value, date | datetime):
        cell.number_format = DATE_FORMAT
    return cell


def _add_dropdowns(
    workbook: Workbook, sheet: Worksheet, columns: Sequence[ColumnSpec], last_row: int
) -> None:
    lists: Worksheet | None = None
    for index, column in enumerate(columns, start=1):
        if column.kind is not ColumnKind.CHOICE or not column.choices:
            continue
        inline = ",".join(column.choices)
        if len(inline) <= 250 and not any(("," in c or '"' in c) for c in column.choices):
            formula = f'"{inline}"'
        else:  # Excel limits an inline list to 255 characters: keep long lists on a sheet
            if lists is None:
                lists = workbook.create_sheet(CHOICES_TITLE)
                lists.sheet_state = "hidden"
            letter = get_column_letter(index)
            for row, choice in enumerate(column.choices, start=1):
                lists.cell(row=row, column=index, value=choice)
            end = len(column.choices)
            formula = f"{quote_sheetname(CHOICES_TITLE)}!${letter}$1:${letter}${end}"
        validation = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="输入值无效",
            error=f"「{column.header}」请从下拉列表中选择。",
        )
        letter = get_column_letter(index)
        validation.add(f"{letter}2:{letter}{last_row}")
        sheet.add_data_validation(validation)


def _write_instructions(workbook: Workbook, spec: TableSpec) -> None:
    sheet = workbook.create_sheet(INSTRUCTIONS_TITLE)
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 10
    sheet.column_dimensions["C"].width = 60
    sheet.column_dimensions["D"].width = 24
    row = 1
    sheet.cell(row=row, column=1, value=f"{spec.name}填写说明").font = Font(bold=True, size=14)
    for line in spec.instructions:
        row += 1
        sheet.cell(row=row, column=1, value=line)
    row += 2
    for col, title in enumerate(("列名", "是否必填", "填写说明", "示例"), start=1):
        sheet.cell(row=row, column=col, value=title).font = HEADER_FONT
    for column in spec.columns:
        row += 1
        name = sheet.cell(row=row, column=1, value=column.header)
        if column.required:
            name.font = REQUIRED_FONT
        sheet.cell(row=row, column=2, value="必填" if column.required else "选填")
        note = column.note
        if column.choices:
            note = f"{note}（可选值：{'、'.join(column.choices)}）".lstrip()
        sheet.cell(row=row, column=3, value=note).alignment = WRAP
        sheet.cell(row=row, column=4, value=column.example).number_format = TEXT_FORMAT


def _write_summary(workbook: Workbook, problems: Sequence[CellProblem]) -> None:
    sheet = workbook.create_sheet(SUMMARY_TITLE)
    for col, (title, width) in enumerate(
        (("行号", 8), ("列", 16), ("值", 24), ("原因", 80)), start=1
    ):
        sheet.cell(row=1, column=col, value=title).font = HEADER_FONT
        sheet.column_dimensions[get_column_letter(col)].width = width
    ordered = sorted(problems, key=lambda p: p.row)
    for row, problem in enumerate(ordered, start=2):
        sheet.cell(row=row, column=1, value=problem.row)
        sheet.cell(row=row, column=2, value=problem.column)
        sheet.cell(row=row, column=3, value=problem.value).number_format = TEXT_FORMAT
        sheet.cell(row=row, column=4, value=problem.message).alignment = WRAP
    sheet.freeze_panes = "A2"


def _save(workbook: Workbook, path: Path) -> Path:
    """Save through a temporary file in the same folder, so a failure leaves no half file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".~", suffix=".xlsx", dir=path.parent)
        os.close(handle)
        try:
            workbook.save(temporary)
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except PermissionError:
        raise StorageError(
            f"无法保存「{path.name}」：文件正被 Excel/WPS 打开，或该文件夹不允许写入。"
            "请关闭文件后重试。",
            field=str(path),
        ) from None
    except OSError as exc:
        raise StorageError(
            f"无法保存「{path.name}」：{exc.strerror or exc}。", field=str(path)
        ) from None
    return path
