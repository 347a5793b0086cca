"""差异核对: old vs new per person (largest change first), totals, who is missing or unknown."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.adjustments.review import DifferenceReview, DifferenceRow
from app.views.list_model import Index, ListTableModel
from app.views.looks import set_role, set_state

HEADERS = (
    "个人账号",
    "姓名",
    "原缴存基数",
    "调整后缴存基数",
    "原月缴存额",
    "调整后月缴存额",
    "变化",
)
NAMED = 20  # names listed in full; beyond, the count
CHUNK = 500  # rows handed to the view at a time
DISPLAY, ALIGN = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class DifferenceModel(ListTableModel[DifferenceRow]):
    """One row per person; money right-aligned; 变化 says 未变化 for a row that kept its base.

    The view gets the rows a chunk at a time as it scrolls (canFetchMore / fetchMore, as
    QFileSystemModel does): a reset with 100,000 rows made the header lay out every one of
    them at once. `total` is how many there are; the summary above the table says it too.
    """

    def __init__(self) -> None:
        super().__init__(HEADERS)
        self.shown = 0

    @property
    def total(self) -> int:
        return len(self._items)

    def set_items(self, items: Iterable[DifferenceRow]) -> None:
        self.beginResetModel()
        # The review's rows are made as the view asks for them: no copy of 100,000 here.
        self._items = items if isinstance(items, Sequence) else list(items)  # type: ignore[assignment]
        self.shown = min(CHUNK, len(self._items))
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self.shown

    def canFetchMore(self, parent: Index) -> bool:  # noqa: N802
        return not parent.isValid() and self.shown < len(self._items)

    def fetchMore(self, parent: Index) -> None:  # noqa: N802
        if not self.canFetchMore(parent):
            return
        more = min(self.shown + CHUNK, len(self._items))
        self.beginInsertRows(QModelIndex(), self.shown, more - 1)
        self.shown = more
        self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # The view asks about eight roles per visible cell; the two shown are answered, the
        # rest return at once (painting a screenful must stay far below the 100 ms a clerk feels).
        if role != DISPLAY and role != ALIGN:
            return None
        return super().data(index, role)

    def cell(self, item: DifferenceRow, column: int, role: int) -> Any:
        if role == ALIGN:
            return RIGHT if column >= 2 else None
        if column == 6:
            return f"{item.total_change:+,.2f}" if item.changed else "未变化"
        values: tuple[str | Decimal, ...] = (
            item.account_no,
            item.name,
            item.old_base,
            item.new_base,
            item.old_total,
            item.new_total,
        )
        value = values[column]
        return value if isinstance(value, str) else f"{value:,.2f}"


def _names(prefix: str, names: list[str]) -> str:
    shown = "、".join(names[:NAMED]) + (f" 等 {len(names)} 人" if len(names) > NAMED else "")
    return f"{prefix}{shown}"


class DifferenceDialog(QDialog):
    """Read-only; built from a review computed off the UI thread."""

    def __init__(self, review: DifferenceReview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("缴存基数调整 — 差异核对")
        self.resize(960, 640)
        layout = QVBoxLayout(self)
        self.summary = QLabel(review.summary())
        set_role(self.summary, "heading")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.missing = QLabel(
            _names(
                "花名册中未出现在文件里的职工（基数保持不变）：", [m.name for m in review.missing]
            )
            if review.missing
            else "花名册中正常缴存的职工都在文件中。"
        )
        set_state(self.missing, "warning" if review.missing else "ok")
        self.strangers = QLabel(
            _names("文件中不在本单位花名册的人员（未导入）：", [s.name for s in review.strangers])
        )
        set_state(self.strangers, "error")
        self.strangers.setVisible(bool(review.strangers))
        for label in (self.missing, self.strangers):
            label.setWordWrap(True)
            layout.addWidget(label)
        self.model = DifferenceModel()
        # The rows arrive one turn of the event loop after the dialog is shown: laying out and
        # painting the window, then filling the table, are two short stretches, not one long.
        QTimer.singleShot(0, self, lambda: self.model.set_items(review.rows))
        self.table = QTableView()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # 100,000 rows: fixed row heights, so nothing measures every row when the view opens.
        # No row numbers either: sizing their column asks the model for thousands of headers.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setModel(self.model)
        for column, width in enumerate((150, 90, 110, 120, 110, 120)):
            self.table.setColumnWidth(column, width)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")  # with no translator
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
