"""The result of checking an import file: counts, every problem, and the clerk's choice."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.batch_import import ImportProblem
from app.services.import_session import Verdict
from app.views.list_model import ListTableModel
from app.views.messages import MessageLine

HEADERS = ("行号", "列", "值", "原因")
WRAPPED_ROWS = 500  # rows measured for wrapping; a bigger report's reasons are in tooltips


class ProblemsModel(ListTableModel[ImportProblem]):
    """Every problem of a checked file, one per line (row, column, value, reason)."""

    def __init__(self) -> None:
        super().__init__(HEADERS)

    def cell(self, item: ImportProblem, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            cells = (item.row, item.column or "（整行）", item.value, item.message)
            return str(cells[column])
        return None


class ImportReport(QWidget):
    """Counts, the problems table and the four choices; the page does the work."""

    export_requested = Signal()
    import_all_requested = Signal()
    import_valid_requested = Signal()
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.verdict: Verdict | None = None  # the last one shown
        self.counts = MessageLine("importCounts")
        self.model = ProblemsModel()
        self.table = QTableView()
        self.table.setObjectName("problemsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)  # a 原因 quoting a long cell wraps: it says what to fix
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.export_button = QPushButton("导出错误报告")
        self.import_all_button = QPushButton("全部导入")
        self.import_valid_button = QPushButton("仅导入正确的行")
        self.cancel_button = QPushButton("取消")
        for button, signal, name in (
            (self.export_button, self.export_requested, "exportReportButton"),
            (self.import_all_button, self.import_all_requested, "importAllButton"),
            (self.import_valid_button, self.import_valid_requested, "importValidButton"),
            (self.cancel_button, self.cancel_requested, "cancelImportButton"),
        ):
            button.setObjectName(name)
            button.clicked.connect(signal.emit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_all_button)
        buttons.addWidget(self.import_valid_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.counts)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def show_verdict(self, verdict: Verdict) -> None:
        """Render a check's result (app.services.import_session words it)."""
        self.verdict = verdict
        check = verdict.check
        good, bad = len(check.good_rows), len(check.bad_rows)
        self.counts.say(verdict.summary, error=bool(check.problems))
        self.model.set_items(check.problems)
        self.table.setVisible(bool(check.problems))
        if check.problems:
            self._fit_columns(len(check.problems))
        self.export_button.setEnabled(bool(check.problems))
        self.import_all_button.setEnabled(check.can_import_all)
        self.import_valid_button.setText(f"仅导入正确的 {good} 行")
        self.import_valid_button.setEnabled(check.can_import_valid and bad > 0)

    def _fit_columns(self, count: int) -> None:
        """行号 and 列 as wide as they need; 值 at most a quarter of the table (its tooltip has
        it all); 原因 the rest, its lines wrapped while the report is small enough to measure."""
        table = self.table
        table.resizeColumnsToContents()
        table.setColumnWidth(2, min(table.columnWidth(2), max(table.viewport().width() // 4, 120)))
        if count <= WRAPPED_ROWS:
            table.resizeRowsToContents()

    def set_busy(self, busy: bool) -> None:
        """While an import runs, no second choice can be made."""
        for button in (self.import_all_button, self.import_valid_button, self.cancel_button):
            button.setEnabled(not busy)
        if not busy and self.verdict is not None:
            self.show_verdict(self.verdict)
