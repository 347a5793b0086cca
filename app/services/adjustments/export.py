"""缴存职工数据导出: the unit's paying employees in an .xlsx the clerk edits for a base change.

Row 1 names the unit, row 2 the ratios that will apply (and the rounding), row 3 is the header;
the identity and current-figure columns are locked (sheet protection without a password: it
guards against slips, not people), the two 调整后 columns are open. Text that Excel would take
for a formula (= + - @ first) is written as text. Write-only openpyxl: 100,000 rows stream out.

The two open columns are open by their column style (`<col style=…>`: unlocked, filled), not
by a cell per row: Excel, WPS and LibreOffice give a cell that is not in the file its column's
style, so the data rows hold only the seven filled cells — as many as the bare write of the
same values (a styled empty cell per open slot made the export 1.7× the bare write's CPU).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from os import PathLike
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.worksheet.worksheet import Worksheet

from app.errors import StorageError
from app.services.adjustments.inforce import RatiosInForce
from app.services.engine.spec import RosterEntry
from app.services.policy import CentrePolicy
from app.services.rules.contribution import part_amount
from app.services.rules.money import format_money

SHEET = "缴存职工"
INSTRUCTIONS_SHEET = "填写说明"
HEADER_ROW = 3
IDENTITY = ("个人账号", "姓名", "证件号码")
CURRENT = ("缴存基数", "单位月缴存额", "个人月缴存额", "月缴存额")
EDITABLE = ("调整后缴存基数", "调整后月缴存额")
HEADERS = (*IDENTITY, *CURRENT, *EDITABLE)
WIDTHS = (20, 12, 22, 12, 13, 13, 12, 16, 16)
FORMULA_STARTS = ("=", "+", "-", "@")
PAYING = "正常"
_OPEN_FILL = PatternFill("solid", fgColor="FFF2CC")
_BOLD = Font(bold=True)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    count: int


def instructions(ratios: RatiosInForce, policy: CentrePolicy) -> list[str]:
    """The 填写说明 sheet, one paragraph a row."""
    return [
        "缴存基数调整：填写说明",
        "1. 每行只需填写“调整后缴存基数”或“调整后月缴存额”其中之一，"
        "另一项由系统按比例和舍入方式计算。",
        "2. 两项都不填的职工保持现缴存基数不变，在差异核对中列为“未变化”。"
        "两项都填且不一致的行会被拒绝。",
        f"3. 调整后适用的比例：{ratios.describe()}；舍入方式：{policy.rounding.label}。",
        f"4. 缴存基数须在 {format_money(policy.base_floor)} 至 {format_money(policy.base_ceiling)} "
        f"元之间；月缴存额须在 {format_money(policy.monthly_amount_min)} 至 "
        f"{format_money(policy.monthly_amount_max)} 元之间。",
        "5. 若填写的月缴存额无法由任何缴存基数算得，导入时会提示最接近的有效金额。",
        "6. 个人账号、姓名、证件号码及现缴存数据已锁定，请勿修改，也不要增删列；可增删行。",
        "7. 可用 Excel 或 WPS 编辑，另存为 .xlsx、.xls 或 .csv 均可导入。",
    ]


def _text(sheet: Worksheet, value: str) -> str | Cell:
    """Plain text as it is; text Excel would read as a formula, as a text cell."""
    if not value.startswith(FORMULA_STARTS):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl would write "=…" as a formula
    cell.quotePrefix = True  # and Excel keeps showing it as text when the cell is edited
    return cell


def _head(sheet: Worksheet, unit_name: str, ratios: RatiosInForce, policy: CentrePolicy) -> None:
    for index, (text, width) in enumerate(zip(HEADERS, WIDTHS, strict=True)):
        column = sheet.column_dimensions[chr(ord("A") + index)]
        column.width = width
        if text in EDITABLE:  # every cell the rows leave empty below is open and yellow
            column.protection = Protection(locked=False)
            column.fill = _OPEN_FILL
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    title = WriteOnlyCell(sheet, value=f"{unit_name} 缴存基数调整（缴存职工数据导出）")
    title.font = _BOLD
    sheet.append([title])
    sheet.append([f"调整后适用比例：{ratios.describe()}；舍入方式：{policy.rounding.label}"])
    header = []
    for text in HEADERS:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = _BOLD
        if text in EDITABLE:
            cell.fill = _OPEN_FILL
        header.append(cell)
    sheet.append(header)


def export_employees(
    path: str | PathLike[str],
    people: Iterable[RosterEntry],
    ratios: RatiosInForce,
    policy: CentrePolicy,
    unit_name: str,
) -> ExportResult:
    """Write the paying employees (正常) and their current figures; StorageError on disk trouble."""
    target = Path(path)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    sheet.protection.sheet = True
    sheet.protection.formatRows = False  # widths and heights stay the clerk's to change
    sheet.protection.formatColumns = False
    _head(sheet, unit_name, ratios, policy)
    rounding, count = policy.rounding, 0
    for person in people:
        if person.status != PAYING:
            continue
        base = Decimal(person.base or 0)
        unit_amount = part_amount(base, Decimal(person.unit_ratio or 0), rounding)
        personal_amount = part_amount(base, Decimal(person.personal_ratio or 0), rounding)
        sheet.append(
            [
                _text(sheet, person.account_no),
                _text(sheet, person.name),
                _text(sheet, person.id_number),
                base,
                unit_amount,
                personal_amount,
                unit_amount + personal_amount,
            ]
        )
        count += 1
    notes = workbook.create_sheet(INSTRUCTIONS_SHEET)
    notes.column_dimensions["A"].width = 110
    for line in instructions(ratios, policy):
        notes.append([line])
    try:
        workbook.save(target)
    except OSError as exc:
        raise StorageError(f"无法保存导出文件 {target}：{exc.strerror or exc}") from exc
    return ExportResult(target, count)
