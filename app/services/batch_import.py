"""Batch import of a business's rows from a clerk's spreadsheet (个人开户（批量） and the like).

    check = validate_file(path, spec, pending)        # read + check every row, nothing stored
    import_rows(check, pending, valid_only=True)      # the clerk's choice; one transaction
    write_report(check, "错误报告.xlsx")               # bad rows with their cells marked

The engine's `check_row` is the one judge of a row; this module adds only what a file has and a
single row does not: cell problems the spreadsheet layer found (an ID in scientific notation),
missing required columns, and the same person twice in the file. No Qt here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from os import PathLike
from pathlib import Path

from app.errors import BadInputError, Cancelled
from app.services.engine.pending import PendingLists, RowInvalidError, RowView
from app.services.engine.pending_incomplete import check_or_complete
from app.services.engine.rows import RowChecker
from app.services.engine.spec import (
    BusinessSpec,
    FieldKind,
    Roster,
    RowCheck,
    RowContext,
    UnitTerms,
)
from app.services.engine.table import table_spec
from app.services.gc_pause import pauses_collector
from app.services.policy import CentrePolicy
from app.services.spreadsheet import (
    CellProblem,
    SheetRow,
    TableSpec,
    normalise_header,
    read_table,
    write_error_report,
    write_template,
)

logger = logging.getLogger(__name__)

EXAMPLE_ID = "110101199003071233"  # a valid resident ID (check digit 3), nobody in particular
# Kinds an optional example leaves blank: the rules default them (ratios, months) or they vary.
_OPTIONAL_BLANK = frozenset({FieldKind.RATIO, FieldKind.MONTH, FieldKind.DATE, FieldKind.TEXT})

# progress(done, total, what is being done) — the shape of the views' OpContext.report.
Progress = Callable[[int, int | None, str], None]
IsCancelled = Callable[[], bool]

READING, CHECKING = "正在读取文件…", "正在校验每一行…"
PROGRESS_EVERY = 1000

__all__ = [
    *("CheckedRow", "ImportCheck", "ImportProblem", "import_rows", "import_table"),
    *("standalone_context", "validate_file", "write_report", "write_template_file"),
]


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong: Excel's row number, the column's header ("" for the row), the value."""

    row: int
    column: str
    value: str
    message: str
    key: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


@dataclass(frozen=True)
class CheckedRow:
    """A data row of the file: its values as read, and its errors by field key ("" = row)."""

    row: int
    values: dict[str, str]
    errors: dict[str, str]
    sheet: SheetRow
    result: RowCheck  # the engine's verdict, normalised values included
    completes: int | None = None  # the list's 待补全 row (same person) this row fills in

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportCheck:
    """A file checked against a business, ready for the clerk to choose what to import."""

    path: Path
    spec: BusinessSpec
    table: TableSpec
    rows: list[CheckedRow]
    problems: list[ImportProblem]
    missing_required: list[str]
    unknown_headers: list[str] = field(default_factory=list)
    header_row: int = 1
    notes: list[str] = field(default_factory=list)
    context: RowContext | None = None  # what the rows were checked against
    incomplete: dict[str, RowView] = field(default_factory=dict)  # 待补全 rows by 证件号码

    @property
    def file_name(self) -> str:
        return self.path.name

    @property
    def good_rows(self) -> list[CheckedRow]:
        return [r for r in self.rows if r.ok]

    @property
    def bad_rows(self) -> list[CheckedRow]:
        return [r for r in self.rows if not r.ok]

    @property
    def clean(self) -> bool:
        """Nothing at all to report: every row may be imported as it is."""
        return not self.problems and not self.missing_required

    @property
    def can_import_all(self) -> bool:
        return bool(self.rows) and self.clean

    @property
    def can_import_valid(self) -> bool:
        return not self.missing_required and bool(self.good_rows)


def standalone_context(policy: CentrePolicy, today: date | None = None) -> RowContext:
    """Rules' context with no unit: the policy, an empty roster and nothing pending.

    The unit's ratios are unknown, so rows that leave them blank are computed with the
    policy's lowest ratios: a row's limits are then judged, never its missing unit.
    """
    return RowContext(
        policy=policy,
        unit=UnitTerms(unit_ratio=policy.unit_ratio.min, personal_ratio=policy.personal_ratio.min),
        roster=Roster([]),
        today=today or date.today(),
    )


def example_row(spec: BusinessSpec, policy: CentrePolicy) -> dict[str, str]:
    """A plausible filled-in row for the template: required and basic fields, by kind."""
    samples = {
        FieldKind.NAME: "张三",
        FieldKind.ID_NUMBER: EXAMPLE_ID,
        FieldKind.MOBILE: "13903781234",
        FieldKind.MONEY: "5000.00",
        FieldKind.RATIO: "0.12",
        FieldKind.MONTH: "2026-12",
        FieldKind.DATE: "2026-11-05",
        FieldKind.ACCOUNT_NO: "410000001234",
        FieldKind.TEXT: "示例",
    }
    example: dict[str, str] = {}
    for field_spec in spec.input_fields:
        if field_spec.auto or not (field_spec.required or field_spec.basic):
            continue
        options = field_spec.options(policy)
        sample = options[0] if options else samples.get(field_spec.kind, "")
        if field_spec.required or field_spec.kind not in _OPTIONAL_BLANK:
            example[field_spec.key] = sample
    return example


def write_template_file(
    path: str | PathLike[str], spec: BusinessSpec, policy: CentrePolicy
) -> Path:
    """The business's import template (.xlsx): red required headers, text ID column,
    dropdowns, notes, an example row and a 说明 sheet."""
    table = table_spec(spec, policy, example_row(spec, policy))
    return write_template(path, table)


@pauses_collector
def validate_file(
    path: str | PathLike[str],
    spec: BusinessSpec,
    pending_or_context: PendingLists | RowContext,
    *,
    progress: Progress | None = None,
    cancelled: IsCancelled | None = None,
) -> ImportCheck:
    """Read `path` and check every row; BadInputError if the file cannot be read at all.

    Raises `Cancelled` soon after `cancelled()` turns true. Stores nothing.
    """
    if isinstance(pending_or_context, PendingLists):
        ctx = pending_or_context.snapshot()
    else:
        ctx = replace(pending_or_context, pending_keys=dict(pending_or_context.pending_keys))
    table = import_table(spec, ctx.policy)
    file = Path(path)
    read = read_table(
        file,
        table,
        progress=(lambda done, total: progress(done, total, READING)) if progress else None,
        cancelled=cancelled,
    )
    check = ImportCheck(
        path=file,
        spec=spec,
        table=table,
        rows=[],
        problems=[],
        missing_required=list(read.missing_required),
        unknown_headers=list(read.unknown_headers),
        header_row=read.header_row,
        notes=list(read.notes),
        context=ctx,
        incomplete=(
            pending_or_context.incomplete_rows()
            if isinstance(pending_or_context, PendingLists)
            else {}
        ),
    )
    headers = {c.key: c.header for c in table.columns}
    missing_keys = {c.key for c in table.columns if c.header in read.missing_required}
    for header in read.missing_required:
        message = f"文件中没有“{header}”列（必填）。请使用下载的模板，或补上这一列后重新导入。"
        check.problems.append(ImportProblem(read.header_row, header, "", message))
    by_row: dict[int, list[CellProblem]] = {}
    for problem in read.problems:
        if problem.row == read.header_row:  # the header row itself (a repeated column)
            check.problems.append(_problem(problem))
        else:
            by_row.setdefault(problem.row, []).append(problem)
    _check_rows(check, read.rows, by_row, ctx, headers, missing_keys, progress, cancelled)
    if check.problems:
        check.problems.sort(key=lambda p: p.row)  # stable: within a row, column order stays
    logger.info(
        "checked %s for %s: %d rows, %d bad",
        file.name,
        spec.code,
        len(check.rows),
        len(check.bad_rows),
    )
    return check


def import_table(spec: BusinessSpec, policy: CentrePolicy) -> TableSpec:
    """The business's table, each column also known by the policy's other names for it."""
    table = table_spec(spec, policy)
    if not policy.header_synonyms:
        return table
    taken = {name for column in table.columns for name in column.header_names()}
    columns = []
    for column in table.columns:
        extra: list[str] = []
        for synonym in policy.header_synonyms.get(column.key, ()):
            name = normalise_header(synonym)
            if name and name not in taken:  # never let a synonym make a header ambiguous
                taken.add(name)
                extra.append(synonym)
        columns.append(replace(column, aliases=(*column.aliases, *extra)) if extra else column)
    return replace(table, columns=tuple(columns))


def _decoded(sheet: SheetRow, policy: CentrePolicy, seen: dict[tuple[str, str], str]) -> SheetRow:
    """Coded values (证件种类 1) as the centre's names (居民身份证); `seen`: this file's."""
    values: dict[str, str] | None = None
    for key in policy.coded_values:
        value = sheet.values.get(key)
        if not value:
            continue
        name = seen.get((key, value))
        if name is None:
            found = policy.decode(key, value)
            name = seen[key, value] = value if found is None else found
        if name != value:
            values = values if values is not None else dict(sheet.values)
            values[key] = name
    return sheet if values is None else replace(sheet, values=values)


def _problem(problem: CellProblem) -> ImportProblem:
    return ImportProblem(problem.row, problem.column, problem.value, problem.message, problem.key)


def _check_rows(
    check: ImportCheck,
    rows: Sequence[SheetRow],
    cell_problems: Mapping[int, list[CellProblem]],
    ctx: RowContext,
    headers: Mapping[str, str],
    missing_keys: set[str],
    progress: Progress | None,
    cancelled: IsCancelled | None,
) -> None:
    spec = check.spec
    unique = spec.unique_key
    first_seen: dict[str, int] = {}  # unique key -> the row number it first appeared in
    checker = RowChecker(spec, ctx)  # the fields' rules looked up once for the whole file
    decoded: dict[tuple[str, str], str] = {}
    total = len(rows)
    for done, read in enumerate(rows):
        if done % PROGRESS_EVERY == 0:
            if cancelled is not None and cancelled():
                raise Cancelled()
            if progress is not None:
                progress(done, total, CHECKING)
        sheet = _decoded(read, ctx.policy, decoded) if ctx.policy.coded_values else read
        # A row naming a 待补全 row's person (read from an ID card) fills it in: no duplicate.
        result, completes = check_or_complete(spec, sheet.values, ctx, check.incomplete, checker)
        errors: dict[str, str] = {}
        problems: list[ImportProblem] = []
        # The spreadsheet layer saw the cell itself (e.g. an ID in scientific notation): its
        # word stands, and the engine's complaint about the same mangled value is not repeated.
        for cell in cell_problems.get(sheet.row_number, ()):
            key = cell.key or ""
            if key not in errors:
                errors[key] = cell.message
                problems.append(_problem(cell))
        for key, message in result.errors.items():
            if key in errors or key in missing_keys:
                continue  # a missing column is reported once, not on every row
            errors[key] = message
            value = sheet.values.get(key, result.values.get(key, ""))
            problems.append(
                ImportProblem(sheet.row_number, headers.get(key, ""), value, message, key)
            )
        if unique and unique not in errors:
            person = result.values.get(unique, "").upper()
            first = first_seen.setdefault(person, sheet.row_number) if person else None
            if first is not None and first != sheet.row_number:
                label = headers.get(unique, unique)
                message = f"{label}与第 {first} 行重复，同一人只能导入一次"
                errors[unique] = message
                value = sheet.values.get(unique, "")
                problems.append(ImportProblem(sheet.row_number, label, value, message, unique))
        check.rows.append(
            CheckedRow(sheet.row_number, sheet.values, errors, sheet, result, completes)
        )
        check.problems.extend(problems)
    if progress is not None:
        progress(total, total, CHECKING)


@pauses_collector
def import_rows(check: ImportCheck, pending: PendingLists, *, valid_only: bool) -> list[RowView]:
    """Add the chosen rows to the pending list in one transaction: all of them, or none.

    `valid_only=False` imports every row and is refused if any row is bad; `valid_only=True`
    imports the good rows. The engine checks each row again as it stores it, so a person added
    elsewhere since the check is still refused (and then nothing at all is imported).
    """
    if check.missing_required:
        raise BadInputError(
            f"文件缺少必填列：{'、'.join(check.missing_required)}，不能导入。请补上这些列后重新导入。"
        )
    if not valid_only and not check.clean:
        raise BadInputError(
            f"文件中有 {len(check.bad_rows)} 行有误，不能全部导入。"
            "请修改后重新导入，或选择“仅导入正确的行”。"
        )
    chosen = check.good_rows if valid_only else check.rows
    if not chosen:
        raise BadInputError("文件中没有可以导入的正确行。")
    name = check.file_name
    fills = [(r.completes, r.values) for r in chosen if r.completes is not None]
    chosen = [row for row in chosen if row.completes is None]
    batch = [(row.values, f"{name} 第{row.row}行") for row in chosen]
    completed: list[tuple[RowView, RowView]] = []
    try:
        completed = pending.complete_rows(fills) if fills else []  # the person's 待补全 row
        added = pending.add_many(
            batch, checked=[row.result for row in chosen], checked_with=check.context
        )
    except RowInvalidError as exc:
        pending.uncomplete([before for _done, before in completed])  # all or none
        raise BadInputError(
            f"导入前复核时发现问题：{exc.message}。可能有人在校验之后修改了{check.spec.list_name}"
            "或单位信息；没有导入任何记录，请重新校验文件。"
        ) from exc
    logger.info("imported %d rows of %s into %s", len(added), check.file_name, check.spec.code)
    return [*added, *(done for done, _before in completed)]


def write_report(check: ImportCheck, path: str | PathLike[str]) -> Path:
    """The bad rows with their cells marked and a 问题汇总 sheet; fixed, it imports again."""
    problems = [CellProblem(p.row, p.column, p.value, p.message, p.key) for p in check.problems]
    return write_error_report(path, check.table, [r.sheet for r in check.bad_rows], problems)
