"""The edited export read back: per row the new base (typed, or computed from a typed amount).

Read like a batch opening's file (.xlsx/.xls/.csv from Excel or WPS; headers found by name,
stray spaces and full-width digits forgiven). Every bad row is reported at once; people of
the file who are not in the unit's roster are named, not imported.

Each row is checked once, here, by the engine's own rules for 缴存基数调整 (one `RowChecker` of
base_change.SPEC for the context the caller gives, for the whole file: `check_row`'s verdicts):
the results travel with the import and the store takes them as they are while that context
still holds (PendingEditing.add_many).
This module adds only what a file needs: who the row is, which of the two columns gave the
new base (a typed amount turned back into a base), one row per person.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from os import PathLike
from pathlib import Path

from app.errors import BadInputError
from app.services.adjustments.inforce import RatiosInForce
from app.services.businesses.base_change import SPEC
from app.services.engine.rows import RowChecker
from app.services.engine.spec import RosterEntry, RowCheck, RowContext
from app.services.policy import CentrePolicy
from app.services.rules.contribution import base_for_total, total_for_base
from app.services.rules.money import format_money, parse_money
from app.services.rules.yearmonth import YearMonth
from app.services.spreadsheet.reader import read_table
from app.services.spreadsheet.result import CellProblem, SheetRow
from app.services.spreadsheet.spec import ColumnKind, ColumnSpec, TableSpec

PAYING = "正常"
C = ColumnSpec
M = ColumnKind.MONEY
TABLE = TableSpec(
    name="缴存基数调整",
    sheet_title="缴存职工",
    columns=(
        C("account_no", "个人账号", aliases=("账号", "职工账号")),
        C("name", "姓名", aliases=("职工姓名",)),
        C("id_number", "证件号码", aliases=("身份证号", "身份证号码")),
        # The current figures (缴存基数, 单位/个人月缴存额, 月缴存额) are the export's, locked and
        # never read back: the roster has them. Not reading them spares 4 of 9 cells a row.
        C("new_base", "调整后缴存基数", kind=M, aliases=("新缴存基数", "调整后基数")),
        C("new_total", "调整后月缴存额", kind=M, aliases=("新月缴存额",)),
    ),
)
NEW_BASE, NEW_TOTAL = TABLE.column("new_base").header, TABLE.column("new_total").header
CURRENT_BASE = "缴存基数"  # where a row left unchanged is refused (its base is out of bounds)
# A rule's complaint about a stored field, shown at the file's column ("base": where it came from).
_COLUMN_OF = {"account_no": "account_no", "name": "name", "id_number": "id_number"}
Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class Stranger:
    """A person of the file who is not in the unit's roster."""

    row: int
    name: str
    account_no: str


@dataclass
class AdjustmentImport:
    """What the file says: rows ready for the list, problems, and who is not in the roster."""

    file: Path
    ratios: RatiosInForce
    month: YearMonth
    rows: list[dict[str, str]] = field(default_factory=list)  # each check's values
    checks: list[RowCheck] = field(default_factory=list)  # the rules' verdict, one per row
    context: RowContext | None = None  # what the rows were checked against
    problems: list[CellProblem] = field(default_factory=list)
    strangers: list[Stranger] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.problems and bool(self.rows)


class _Rows:
    """Checks one sheet row at a time, keeping the state the checks share."""

    def __init__(self, result: AdjustmentImport, ctx: RowContext, policy: CentrePolicy) -> None:
        self.result, self.ctx, self.roster, self.policy = result, ctx, ctx.roster, policy
        self.seen: dict[str, int] = {}
        self.checker = RowChecker(SPEC, ctx)  # the fields' rules looked up once for the file
        ratios = result.ratios
        self.fixed: dict[str, object] = {  # the same for every row
            "effective_month": result.month,
            "unit_ratio": str(ratios.unit_ratio),
            "personal_ratio": str(ratios.personal_ratio),
        }

    def problem(self, row: SheetRow, key: str, message: str) -> None:
        column = CURRENT_BASE if key == "old_base" else TABLE.column(key).header if key else ""
        value = row.values.get(key, "") if key else ""
        self.result.problems.append(CellProblem(row.row_number, column, value, message, key))

    def person(self, row: SheetRow) -> RosterEntry | None:
        account, id_number = row.values.get("account_no", ""), row.values.get("id_number", "")
        found = self.roster.by_account.get(account) if account else None
        if found is None and not account and id_number:
            found = self.roster.find_id(id_number)
        if found is None:
            if not account and not id_number:
                self.problem(row, "account_no", "请填写个人账号（或证件号码）")
            else:
                name = row.values.get("name", "")
                self.result.strangers.append(Stranger(row.row_number, name, account or id_number))
            return None
        if found.account_no in self.seen:
            first = self.seen[found.account_no]
            self.problem(row, "account_no", f"{found.name}在第 {first} 行已出现，每人只能一行")
            return None
        self.seen[found.account_no] = row.row_number
        if found.status != PAYING:
            self.problem(row, "account_no", f"{found.name}的账户状态为{found.status}，不能调整基数")
            return None
        return found

    def money(self, row: SheetRow, key: str) -> Decimal | None:
        text = row.values.get(key, "")
        if not text:
            return None
        try:
            return parse_money(text, what=TABLE.column(key).header)
        except BadInputError as exc:
            self.problem(row, key, exc.message)
            raise

    def new_base(self, row: SheetRow, person: RosterEntry) -> tuple[Decimal, str] | None:
        """The base to store and the column it came from ("" when unchanged)."""
        ratios = self.result.ratios
        try:
            base, total = self.money(row, "new_base"), self.money(row, "new_total")
        except BadInputError:
            return None
        current = Decimal(person.base or 0)
        if base is None and total is None:
            return current, ""
        if base is not None:
            if total is not None:
                computed = total_for_base(
                    base, ratios.unit_ratio, ratios.personal_ratio, self.policy.rounding
                )
                if computed != total:
                    self.problem(
                        row,
                        "new_total",
                        f"调整后缴存基数 {format_money(base)} 算得月缴存额 "
                        f"{format_money(computed)}，与填写的 {format_money(total)} 不一致："
                        "只填其中一项即可",
                    )
                    return None
            return base, "new_base"
        assert total is not None
        found = base_for_total(
            total, ratios.unit_ratio, ratios.personal_ratio, self.policy.rounding, prefer=current
        )
        if found.base is None:
            self.problem(row, "new_total", found.problem(self.policy.rounding))
            return None
        return found.base, "new_total"

    def check(self, row: SheetRow) -> None:
        person = self.person(row)
        if person is None:
            return
        chosen = self.new_base(row, person)
        if chosen is None:
            return
        base, column = chosen
        # The month and the base as values, not text: the rules take them without parsing.
        raw = self.fixed | {
            "account_no": person.account_no,
            "name": person.name,
            "id_number": person.id_number,
            "base": base,
        }
        checked = self.checker.check(raw)
        if checked.errors:
            for key, message in checked.errors.items():
                where = (column or "old_base") if key == "base" else _COLUMN_OF.get(key, "")
                self.problem(row, where, message)
            return
        self.result.checks.append(checked)
        self.result.rows.append(checked.values)


def read_adjustments(
    path: str | PathLike[str],
    ctx: RowContext,
    ratios: RatiosInForce,
    policy: CentrePolicy,
    month: YearMonth,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> AdjustmentImport:
    """Every row of the file checked against `ctx` (the list the rows will go to, its roster);
    BadInputError if the file itself cannot be read."""
    read = read_table(path, TABLE, progress=progress, cancelled=cancelled)
    result = AdjustmentImport(Path(path), ratios, month, notes=list(read.notes), context=ctx)
    result.problems.extend(read.problems)
    if not read.rows:
        result.problems.append(CellProblem(read.header_row, "", "", "文件中没有职工数据"))
    wanted = {"account_no", "id_number"}
    if not wanted & {c.key for c in _bound_columns(read.rows)} and read.rows:
        raise BadInputError("文件中找不到“个人账号”或“证件号码”列：请使用缴存职工数据导出的文件")
    rows = _Rows(result, ctx, policy)
    bad_rows = {p.row for p in result.problems}
    for row in read.rows:
        if row.row_number not in bad_rows:
            rows.check(row)
    return result


def _bound_columns(rows: list[SheetRow]) -> list[ColumnSpec]:
    """The spec columns the file has (a row's `raw` holds exactly those)."""
    keys: Mapping[str, object] = rows[0].raw if rows else {}
    return [c for c in TABLE.columns if c.key in keys]
