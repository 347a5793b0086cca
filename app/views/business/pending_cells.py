"""What one cell of the 清册 shows: values as every view shows them, error marks in red."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QStyle, QTableView

from app.services.engine.pending_query import ListSummary, RowView
from app.services.engine.spec import FieldKind, FieldSpec
from app.services.rules.money import format_money, format_ratio

ERROR_BACKGROUND = QBrush(QColor("#fde0dc"))
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_TEXT_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
# The roles a cell answers; a view asks for a dozen per cell it paints, the rest are None at once.
ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.TextAlignmentRole,
    }
)
CELL_PADDING = 12  # pixels beside a cell's text: Qt's margins and a little air


def cell(columns: Sequence[FieldSpec], item: RowView, column: int, role: int) -> Any:
    """What `item` shows in `column` (the last one is 错误说明) for `role`."""
    if column == len(columns):  # 错误说明
        return "；".join(item.errors.values()) if role in _TEXT_ROLES else None
    field = columns[column]
    value = item.values.get(field.key, "")
    error = item.errors.get(field.key)
    if role == Qt.ItemDataRole.DisplayRole:
        return display_value(field.kind, value)
    if role == Qt.ItemDataRole.ToolTipRole:
        return error
    if role == Qt.ItemDataRole.BackgroundRole and error:
        return ERROR_BACKGROUND
    if role == Qt.ItemDataRole.TextAlignmentRole and field.kind in (
        FieldKind.MONEY,
        FieldKind.RATIO,
    ):
        return _RIGHT
    return None


def _decimal(value: str) -> Decimal | None:
    try:
        return Decimal(value)
    except ArithmeticError:
        return None


def display_value(kind: FieldKind, value: str) -> str:
    """A stored value as every view shows it: ratios as 12%, money as 5,000.00."""
    number = _decimal(value) if value and kind in (FieldKind.MONEY, FieldKind.RATIO) else None
    if number is None:
        return value
    return format_ratio(number) if kind is FieldKind.RATIO else format_money(number)


def counted(summary: ListSummary, row: RowView, sign: int) -> ListSummary:
    """`summary` with `row` added (sign 1) or taken away (-1): no SQL for one row."""
    totals = dict(summary.totals)
    for key in totals:
        amount = _decimal(row.values.get(key) or "0")
        if amount is not None and amount.is_finite():
            totals[key] += sign * amount
    errors = summary.with_errors + (sign if row.errors else 0)
    return ListSummary(summary.count + sign, errors, totals)


def column_widths(
    table: QTableView, headers: Sequence[str], columns: Sequence[FieldSpec], rows: Sequence[RowView]
) -> list[int]:
    """The width each column needs for its header (with the sort arrow) and `rows`' text."""
    cells = table.fontMetrics()
    heads = table.horizontalHeader().fontMetrics()
    arrow = table.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize) + 2 * CELL_PADDING
    widths = []
    for column, title in enumerate(headers):
        widest = heads.horizontalAdvance(title) + arrow
        for row in rows:
            text = cell(columns, row, column, Qt.ItemDataRole.DisplayRole) or ""
            widest = max(widest, cells.horizontalAdvance(text) + CELL_PADDING)
        widths.append(widest)
    return widths
