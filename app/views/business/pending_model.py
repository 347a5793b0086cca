"""The pending list (清册) as a Qt table model: one row per pending row, one column per field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from app.services.engine.pending import RowView
from app.services.engine.spec import BusinessSpec, FieldKind
from app.services.rules.money import format_money, format_ratio

ERROR_BACKGROUND = QBrush(QColor("#fde0dc"))
ROW_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
_Index = QModelIndex | QPersistentModelIndex


class PendingRowsModel(QAbstractTableModel):
    """Read-only; changes go through the service and come back with `set_rows`."""

    def __init__(self, spec: BusinessSpec) -> None:
        super().__init__()
        self.spec = spec
        self.columns = spec.list_fields()
        self._rows: list[RowView] = []

    def set_rows(self, rows: list[RowView]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> RowView:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns) + 1  # + 错误说明

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return self.columns[section].label if section < len(self.columns) else "错误说明"

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == ROW_ID_ROLE:
            return row.id
        if index.column() == len(self.columns):
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, SORT_ROLE):
                return "；".join(row.errors.values())
            return None
        field = self.columns[index.column()]
        value = row.values.get(field.key, "")
        error = row.errors.get(field.key)
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(field.kind, value)
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


def _display(kind: FieldKind, value: str) -> str:
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
