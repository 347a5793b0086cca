"""The pending list (清册) as a Qt table model: one row per pending row, one column per field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from app.services.engine.pending import RowView
from app.services.engine.spec import BusinessSpec, FieldKind
from app.services.rules.money import format_money, format_ratio
from app.views.list_model import ListTableModel

ERROR_BACKGROUND = QBrush(QColor("#fde0dc"))
ROW_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


class PendingRowsModel(ListTableModel[RowView]):
    """Read-only; changes go through the service and come back with `set_items`."""

    def __init__(self, spec: BusinessSpec) -> None:
        self.spec = spec
        self.columns = spec.list_fields()
        super().__init__([f.label for f in self.columns] + ["错误说明"])

    def cell(self, item: RowView, column: int, role: int) -> Any:
        if role == ROW_ID_ROLE:
            return item.id
        if column == len(self.columns):  # 错误说明
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, SORT_ROLE):
                return "；".join(item.errors.values())
            return None
        field = self.columns[column]
        value = item.values.get(field.key, "")
        error = item.errors.get(field.key)
        if role == Qt.ItemDataRole.DisplayRole:
            return display_value(field.kind, value)
        if role == SORT_ROLE:
            return _sort_key(field.kind, value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return error
        if role == Qt.ItemDataRole.BackgroundRole and error:
            return ERROR_BACKGROUND
        if role == Qt.ItemDataRole.TextAlignmentRole and field.kind in (
            FieldKind.MONEY,
            FieldKind.RATIO,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
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


def _sort_key(kind: FieldKind, value: str) -> Any:
    if kind in (FieldKind.MONEY, FieldKind.RATIO):
        number = _decimal(value)
        # Qt compares sort keys as variants; a float orders amounts right (display stays exact).
        return float(number) if number is not None else -1.0
    return value
