"""read_table: any clerk's spreadsheet (.xlsx, .xls, .ods, .csv, HTML-as-.xls) into rows by key."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from os import PathLike
from pathlib import Path

from app.services.spreadsheet import sources
from app.services.spreadsheet.result import Cancelled, CellProblem, ReadResult, SheetRow
from app.services.spreadsheet.sources import FileFormat, SheetSource
from app.services.spreadsheet.spec import ColumnKind, ColumnSpec, TableSpec, normalise_header
from app.services.spreadsheet.values import cell_text, typed_value

logger = logging.getLogger(__name__)

Progress = Callable[[int, int | None], None]
IsCancelled = Callable[[], bool]

HEADER_SEARCH_ROWS = 10
PROGRESS_EVERY = 1000
# Columns our own error report adds; a corrected report can be imported again as it is.
REPORT_HEADERS = ("错误说明", "原行号")
# The template's example rows carry this in the column after the last; the reader skips them.
EXAMPLE_MARKER = "示例行（导入时忽略）"
_IGNORED_HEADERS = frozenset(normalise_header(h) for h in REPORT_HEADERS)


@dataclass(frozen=True)
class _Bound:
    """A spec column found in the file, at a 0-based index of the raw row."""

    column: ColumnSpec
    index: int


def read_table(
    path: str | PathLike[str],
    spec: TableSpec,
    *,
    progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
) -> ReadResult:
    """Read the table `spec` describes from `path`; BadInputError if the file cannot be read.

    Raises `Cancelled` soon after `cancelled()` turns true; calls `progress(done, total)`
    every ~1,000 rows (total may be None).
    """
    file = Path(path)
    _check(cancelled)
    fmt = sources.detect_format(file)
    source, header_row, header_cells = _locate_header(file, fmt, spec)
    _check(cancelled)
    bound, unknown, problems = _bind_columns(spec, header_cells, header_row)
    found = {b.column.key for b in bound}
    missing = [c.header for c in spec.columns if c.required and c.key not in found]
    result = ReadResult(
        rows=[],
        header_row=header_row,
        missing_required=missing,
        unknown_headers=unknown,
        problems=problems,
        source_format=str(fmt),
    )
    _read_rows(source, spec, bound, result, progress, cancelled)
    logger.info(
        "read %s (%s): %d rows, %d problems", file.name, fmt, len(result.rows), len(problems)
    )
    return result


def _check(cancelled: IsCancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise Cancelled()


def _open_sheets(path: Path, fmt: FileFormat, spec: TableSpec) -> Iterator[SheetSource]:
    if fmt is FileFormat.CSV:
        yield sources.csv_sheet(path)
        return
    if fmt is FileFormat.HTML:
        yield sources.html_sheet(path)
        return
    workbook = sources.open_workbook(path)
    names = sources.worksheet_names(workbook)
    if spec.sheet_title in names:  # the sheet our template made, wherever the clerk moved it
        names.remove(spec.sheet_title)
        names.insert(0, spec.sheet_title)
    for name in names:
        yield sources.calamine_sheet(path, workbook, name)


def _locate_header(
    path: Path, fmt: FileFormat, spec: TableSpec
) -> tuple[SheetSource, int, Sequence[object]]:
    """The first sheet with a header row among its first rows, that row's number and cells."""
    for source in _open_sheets(path, fmt, spec):
        head = list(islice(source.rows, HEADER_SEARCH_ROWS))
        index = _header_index(head, spec)
        if index is not None:
            source.rows = chain(head[index + 1 :], source.rows)
            return source, index + 1, head[index]
    expected = "、".join(c.header for c in spec.columns if c.required) or "、".join(
        c.header for c in spec.columns
    )
    raise sources.bad_file(
        path,
        f"的前 {HEADER_SEARCH_ROWS} 行中找不到表头（应有：{expected}）。"
        "请使用下载的模板填写，或检查表头名称。",
    )


def _header_index(head: Sequence[Sequence[object]], spec: TableSpec) -> int | None:
    best_index, best_count = None, 0
    for index, cells in enumerate(head):
        keys = {
            column.key
            for cell in cells
            if isinstance(cell, str) and (column := spec.find_column(cell)) is not None
        }
        if len(keys) > best_count:
            best_index, best_count = index, len(keys)
    return best_index


def _bind_columns(
    spec: TableSpec, header_cells: Sequence[object], header_row: int
) -> tuple[list[_Bound], list[str], list[CellProblem]]:
    bound: dict[str, _Bound] = {}
    unknown: list[str] = []
    problems: list[CellProblem] = []
    for index, cell in enumerate(header_cells):
        text, _ = cell_text(cell, ColumnKind.TEXT)
        if not text:
            continue
        column = spec.find_column(text)
        if column is None:
            if normalise_header(text) not in _IGNORED_HEADERS:
                unknown.append(text)
        elif column.key in bound:
            message = f"表头「{column.header}」出现了不止一次，只读取最左边的那一列。"
            problems.append(CellProblem(header_row, column.header, text, message, column.key))
        else:
            bound[column.key] = _Bound(column, index)
    return list(bound.values()), unknown, problems


def _example_values(spec: TableSpec, bound: Sequence[_Bound]) -> dict[str, str] | None:
    """The values the template's example row reads back as, or None when it has none."""
    examples = {
        b.column.key: cell_text(typed_value(b.column.example, b.column.kind), b.column.kind)[0]
        for b in bound
    }
    return examples if any(examples.values()) else None


def _read_rows(
    source: SheetSource,
    spec: TableSpec,
    bound: Sequence[_Bound],
    result: ReadResult,
    progress: Progress | None,
    cancelled: IsCancelled | None,
) -> None:
    all_keys = {c.key: "" for c in spec.columns}
    example = _example_values(spec, bound)
    row_number = result.header_row
    for row_number, cells in enumerate(source.rows, start=result.header_row + 1):  # noqa: B007
        if row_number % PROGRESS_EVERY == 0:
            _check(cancelled)
            if progress is not None:
                progress(row_number, source.total)
        width = len(cells)
        values = dict(all_keys)
        raw: dict[str, object] = {}
        row_problems: list[CellProblem] = []
        for b in bound:
            cell = cells[b.index] if b.index < width else ""
            raw[b.column.key] = cell
            text, message = cell_text(cell, b.column.kind)
            values[b.column.key] = text
            if message is not None:
                problem = CellProblem(row_number, b.column.header, text, message, b.column.key)
                row_problems.append(problem)
        if not any(values.values()):
            continue
        if EXAMPLE_MARKER in cells or (
            example is not None and all(values[k] == v for k, v in example.items())
        ):
            result.skipped_example_rows.append(row_number)
            continue
        result.rows.append(SheetRow(row_number, values, raw))
        result.problems.extend(row_problems)
    _check(cancelled)
    if progress is not None:
        progress(row_number, row_number)
