"""Read-only table models: the Qt side every list shares (`TableModelBase`), and the model over
a Python list that every 查询 and report table uses (`ListTableModel`). The 清册's own model,
`business/pending_model.py`, reads a screenful at a time over the same base."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex


class TableModelBase(QAbstractTableModel):
    """Flat, read-only, numbered rows under fixed `headers`; a subclass says how many rows
    there are (`row_count`) and what a cell shows (`row_data`), checked to be in range."""

    def __init__(self, headers: Sequence[str] = ()) -> None:
        super().__init__()
        self.headers = tuple(headers)

    def row_count(self) -> int:
        """How many rows there are (a subclass says; none by itself)."""
        return 0

    def row_data(self, row: int, column: int, role: int) -> Any:
        """What the cell at (`row`, `column`) shows for `role`, both in range (None: nothing)."""
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self.row_count()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.headers)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return self.headers[section] if 0 <= section < len(self.headers) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self.row_count():
            return None
        if not 0 <= index.column() < len(self.headers):
            return None
        return self.row_data(index.row(), index.column(), role)


class ListTableModel(TableModelBase, Generic[T]):
    """One item per row; subclasses say what a cell shows by overriding `cell`."""

    def __init__(self, headers: Sequence[str]) -> None:
        super().__init__(headers)
        self._items: list[T] = []

    def set_items(self, items: Iterable[T]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def item(self, row: int) -> T:
        return self._items[row]

    def row_count(self) -> int:
        return len(self._items)

    def row_data(self, row: int, column: int, role: int) -> Any:
        return self.cell(self._items[row], column, role)

    def cell(self, item: T, column: int, role: int) -> Any:
        """What `item` shows in `column` for `role` (None for nothing); override it."""
        return None
