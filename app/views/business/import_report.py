"""The result of checking an import file: counts, every problem, and the clerk's choice."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.batch_import import ImportCheck, ImportProblem
from app.views.list_model import ListTableModel
from app.views.looks import set_state

HEADERS = ("行号", "列", "值", "原因")


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
        self.check: ImportCheck | None = None
        self.counts = QLabel()
        self.counts.setObjectName("importCounts")
        self.counts.setWordWrap(True)
        self.model = ProblemsModel()
        self.table = QTableView()
        self.table.setObjectName("problemsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
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

    def show_check(self, check: ImportCheck) -> None:
        self.check = check
        good, bad = len(check.good_rows), len(check.bad_rows)
        parts = [f"文件“{check.file_name}”共 {len(check.rows)} 行：正确 {good} 行，有误 {bad} 行。"]
        if check.missing_required:
            parts.append("缺少必填列：{}。".format("、".join(check.missing_required)))
        if check.unknown_headers:
            parts.append("已忽略的列：{}。".format("、".join(check.unknown_headers)))
        parts.extend(check.notes)  # e.g. an example row skipped: say so, never silently
        if check.problems:
            parts.append(f"下表列出全部 {len(check.problems)} 处问题。")
        elif not check.rows:
            parts.append("文件中没有数据行。")
        self.counts.setText("".join(parts))
        set_state(self.counts, "error" if check.problems else "ok")
        self.model.set_items(check.problems)
        self.table.setVisible(bool(check.problems))
        if check.problems:
            self.table.resizeColumnsToContents()
        self.export_button.setEnabled(bool(check.problems))
        self.import_all_button.setEnabled(check.can_import_all)
        self.import_valid_button.setText(f"仅导入正确的 {good} 行")
        self.import_valid_button.setEnabled(check.can_import_valid and bad > 0)

    def set_busy(self, busy: bool) -> None:
        """While an import runs, no second choice can be made."""
        for button in (self.import_all_button, self.import_valid_button, self.cancel_button):
            button.setEnabled(not busy)
        if not busy and self.check is not None:
            self.show_check(self.check)
