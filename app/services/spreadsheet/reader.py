"""read_table: any clerk's table (.xlsx, .xls, .ods, .csv, HTML or XML 2003 as .xls) by key."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, islice, repeat
from operator import itemgetter
from os import PathLike
from pathlib import Path
from typing import cast

from app.errors import Cancelled
from app.services.spreadsheet import sources, spreadsheetml
from app.services.spreadsheet.result import CellProblem, ReadResult, SheetRow
from app.services.spreadsheet.sources import FileFormat, SheetSource
from app.services.spreadsheet.spec import ColumnKind, ColumnSpec, TableSpec, normalise_header
from app.services.spreadsheet.values import cell_text, column_texts, written_text

logger = logging.getLogger(__name__)

Progress = Callable[[int, int | None], None]
IsCancelled = Callable[[], bool]

HEADER_SEARCH_ROWS = 10
PROGRESS_EVERY = 1000
# Columns our own error report adds; a corrected report can be imported again as it is.
REPORT_HEADERS = ("错误说明", "原行号")
# The template's example rows carry this, and a fingerprint of their values, in the column
# after the last. The reader skips such a row while its values are unchanged; a clerk who typed
# real data over it is asked to remove the marker, so nothing is dropped or imported silently.
EXAMPLE_MARKER = "示例行（导入时忽略）"
CHANGED_EXAMPLE_MESSAGE = (
    "这一行末尾带有“示例行”标记，但内容已被修改。若是真实数据，请删除该行末尾的“示例行”标记；"
    "若是示例，请删除整行。"
)
# Other centres' templates mark their example row by its first cell: 例 / 示例 / 样例 / 【示例】.
_EXAMPLE_LABEL = re.compile(
    r"^[(（【\[]?(?:例|示例|样例|范例|举例)(?:行|数据)?[)）】\]]?(?:[:：].*)?$", re.S
)
LABELLED_EXAMPLE_NOTE = "第 {row} 行第一格为“{label}”，视为示例行，已跳过，未导入。"
_IGNORED_HEADERS = frozenset(normalise_header(h) for h in REPORT_HEADERS)


@dataclass(frozen=True)
class _Bound:
    """A spec column found in the file, at a 0-based index of the raw row."""

    column: ColumnSpec
    index: int


@dataclass(frozen=True)
class _Layout:
    """Where things are in the rows under the header."""

    bound: tuple[_Bound, ...]
    marker_slots: tuple[int, ...]  # columns without a header: where an example marker may be
    header_width: int
    spec_example: dict[str, str] | None


def read_table(
    path: str | PathLike[str],
    spec: TableSpec,
    *,
    progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
) -> ReadResult:
    """Read the table `spec` describes from `path`; BadInputError if the file cannot be read.

    The header row is looked for in the first 10 rows of each sheet (the sheet named
    `spec.sheet_title` first). Rows whose spec columns are all empty, and the template's
    example rows, are skipped; row numbers stay those Excel shows. Raises `Cancelled` soon
    after `cancelled()` turns true; calls `progress(done, total)` every ~1,000 rows.
    """
    file = Path(path)
    _check(cancelled)
    fmt = sources.detect_format(file)
    source, header_row, header_cells = _locate_header(file, fmt, spec)
    _check(cancelled)
    bound, unknown, problems = _bind_columns(spec, header_cells, header_row)
    layout = _Layout(
        bound=tuple(bound),
        marker_slots=tuple(i for i, cell in enumerate(header_cells) if cell in ("", None)),
        header_width=len(header_cells),
        spec_example=_spec_example(spec),
    )
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
    _read_rows(source, spec, layout, result, progress, cancelled)
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
    if fmt is FileFormat.XML2003:
        yield from spreadsheetml.xml_sheets(path)
        return
    workbook = sources.open_workbook(path, fmt)
    names = sources.worksheet_names(workbook)
    if spec.sheet_title in names:  # the sheet our template made, wherever the clerk moved it
        names.remove(spec.sheet_title)
        names.insert(0, spec.sheet_title)
    for name in names:
        yield sources.calamine_sheet(path, workbook, name)


def _locate_header(
    path: Path, fmt: FileFormat, spec: TableSpec
) -> tuple[SheetSource, int, Sequence[object]]:
    """The first sheet with a header row among its first rows, that row's number and cells.

    A two-row header (group titles merged across the top, single titles merged down) is read
    as one: the best row, completed by the names the row above or below holds in its gaps.
    """
    for source in _open_sheets(path, fmt, spec):
        head = list(islice(source.rows, HEADER_SEARCH_ROWS))
        index = _header_index(head, spec)
        if index is not None:
            cells, last = _complete_header(head, index, spec)
            source.rows = chain(head[last + 1 :], source.rows)
            return source, last + 1, cells
    expected = "、".join(c.header for c in spec.columns if c.required) or "、".join(
        c.header for c in spec.columns
    )
    raise sources.bad_file(
        path,
        f"的前 {HEADER_SEARCH_ROWS} 行中找不到表头（应有：{expected}）。"
        "请使用下载的模板填写，或检查表头名称。",
    )


def _named(cell: object, spec: TableSpec) -> ColumnSpec | None:
    return spec.find_column(cell) if isinstance(cell, str) and cell.strip() else None


def _complete_header(
    head: Sequence[Sequence[object]], index: int, spec: TableSpec
) -> tuple[list[object], int]:
    """The header's cells with the other row of a two-row header folded in; its last index."""
    cells = list(head[index])
    found = {column.key for cell in cells if (column := _named(cell, spec)) is not None}
    last = index
    for other in (index - 1, index + 1):
        if not 0 <= other < len(head):
            continue
        row = head[other]
        named_here = [i for i, cell in enumerate(cells) if _named(cell, spec) is not None]
        # Below the header, a row with anything under a named column is data, not header.
        if other > index and any(i < len(row) and row[i] not in ("", None) for i in named_here):
            continue
        added = False
        for i, cell in enumerate(row):
            column = _named(cell, spec)
            if column is None or column.key in found or i in named_here:
                continue
            cells.extend([""] * (i + 1 - len(cells)))
            cells[i] = cell
            found.add(column.key)
            added = True
        if added:
            last = max(last, other)
    return cells, last


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


def example_fingerprint(spec: TableSpec, values: Mapping[str, str]) -> str:
    """A short digest of a row's values; the template's example marker carries it."""
    joined = "\x1f".join(values.get(c.key, "") for c in spec.columns)
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()[:8]


def _spec_example(spec: TableSpec) -> dict[str, str] | None:
    """The spec's example row as the reader reads it back, or None when it has none."""
    example = {c.key: written_text(c.example, c.kind) for c in spec.columns}
    return example if any(example.values()) else None


def _example_marker(cells: Sequence[object], layout: _Layout) -> str | None:
    """The fingerprint of an example marker in a header-less column of the row, if any."""
    width = len(cells)
    slots = chain((i for i in layout.marker_slots if i < width), range(layout.header_width, width))
    for index in slots:
        cell = cells[index]
        if isinstance(cell, str) and cell.startswith(EXAMPLE_MARKER):
            return cell[len(EXAMPLE_MARKER) :].strip()
    return None


def _example_label(cells: Sequence[object]) -> str | None:
    """The row's first filled cell when it says the row is an example (例 / 示例 / 样例…)."""
    for cell in cells:
        if cell == "" or cell is None:
            continue
        if not isinstance(cell, str):
            return None
        text = cell.strip()
        if text and text[0] in "例示样范举(（【[" and _EXAMPLE_LABEL.match(text):
            return text if len(text) <= 12 else text[:11] + "…"
        return None
    return None


def _is_example(
    spec: TableSpec,
    layout: _Layout,
    row_number: int,
    cells: Sequence[object],
    values: dict[str, str],
    problems: list[CellProblem],
) -> bool:
    """True for the template's example row; a marked row the clerk changed gets a problem."""
    if layout.spec_example is not None and values == layout.spec_example:
        return True
    fingerprint = _example_marker(cells, layout)
    if fingerprint is None:
        return False
    if fingerprint == example_fingerprint(spec, values):
        return True
    problems.append(CellProblem(row_number, "", EXAMPLE_MARKER, CHANGED_EXAMPLE_MESSAGE))
    return False


def _read_rows(
    source: SheetSource,
    spec: TableSpec,
    layout: _Layout,
    result: ReadResult,
    progress: Progress | None,
    cancelled: IsCancelled | None,
) -> None:
    """The rows under the header, read a chunk (up to the next thousandth row) at a time and
    within a chunk a column at a time: the cells a row needs are picked and turned into
    columns by C code (itemgetter, zip), each column is converted in one pass, and a row is
    then one dict built from its converted cells. Cell by cell, the same work took 4× the
    parse itself (issue 12)."""
    row_number = result.header_row
    while True:
        first = row_number + 1
        chunk = list(islice(source.rows, PROGRESS_EVERY - first % PROGRESS_EVERY))
        if not chunk:
            break
        if first % PROGRESS_EVERY == 0:
            _check(cancelled)
            if progress is not None:
                progress(first, source.total)
        _read_chunk(chunk, first, spec, layout, result)
        row_number = first + len(chunk) - 1
    _check(cancelled)
    if progress is not None:
        progress(row_number, row_number)


def _picked(chunk: list[Sequence[object]], indexes: Sequence[int]) -> list[tuple[object, ...]]:
    """Each row's cells at `indexes` ("" beyond a short row's end), as one tuple a row."""
    if not indexes:
        return [() for _ in chunk]
    need = max(indexes) + 1
    if min(map(len, chunk)) < need:  # a ragged CSV: pad the short rows
        chunk = [row if len(row) >= need else [*row, *[""] * (need - len(row))] for row in chunk]
    if len(indexes) == 1:
        return [(row[indexes[0]],) for row in chunk]
    return list(map(itemgetter(*indexes), chunk))


def _read_chunk(
    chunk: list[Sequence[object]], first: int, spec: TableSpec, layout: _Layout, result: ReadResult
) -> None:
    keys = tuple(b.column.key for b in layout.bound)
    picked = _picked(chunk, [b.index for b in layout.bound])
    size = len(chunk)
    texts: list[Sequence[str]] = []
    problems: dict[int, list[CellProblem]] = {}  # by offset in the chunk, in column order
    columns = zip(*picked, strict=True) if keys else ()
    for bound, column_cells in zip(layout.bound, columns, strict=True):
        if column_cells.count("") == size:  # a column left empty (most of a wide template's)
            texts.append(cast(tuple[str, ...], column_cells))
            continue
        column = bound.column
        converted, messages = column_texts(column_cells, column.kind)
        texts.append(converted)
        for offset, message in enumerate(messages or ()):
            if message is not None:
                problem = CellProblem(
                    first + offset, column.header, converted[offset], message, column.key
                )
                problems.setdefault(offset, []).append(problem)
    all_keys = {c.key: "" for c in spec.columns}
    may_have_marker = bool(layout.marker_slots)
    rows = zip(*texts, strict=True) if texts else repeat((), size)
    for offset, (cells, raw_cells, row_texts) in enumerate(zip(chunk, picked, rows, strict=True)):
        if not any(row_texts):
            continue
        row_number = first + offset
        label = _example_label(cells)
        if label is not None:
            result.skipped_example_rows.append(row_number)
            result.notes.append(LABELLED_EXAMPLE_NOTE.format(row=row_number, label=label))
            continue
        values = all_keys.copy()
        values.update(zip(keys, row_texts, strict=True))
        row_problems = problems.get(offset, [])
        if (layout.spec_example is not None and values == layout.spec_example) or (
            (may_have_marker or len(cells) > layout.header_width)
            and _is_example(spec, layout, row_number, cells, values, row_problems)
        ):
            result.skipped_example_rows.append(row_number)
            continue
        result.rows.append(SheetRow(row_number, values, dict(zip(keys, raw_cells, strict=True))))
        result.problems.extend(row_problems)
