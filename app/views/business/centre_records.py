"""开户查询's 中心记录 tab: every opening of the unit at the centre, details, export to .xlsx."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import KnownError
from app.services.engine.centre_records import EXPORT, CentreRecord, CentreRecords, export
from app.views import file_dialogs
from app.views.list_model import ListTableModel
from app.views.ops import Op

COLUMNS = tuple(column.header for column in EXPORT.columns)
THIS_PC = QColor("#e8f0fe")  # rows this PC submitted


class CentreRecordModel(ListTableModel[CentreRecord]):
    def __init__(self) -> None:
        super().__init__(COLUMNS)

    def cell(self, item: CentreRecord, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return item.fields()[column][1]
        if role == Qt.ItemDataRole.BackgroundRole and item.from_this_pc:
            return QBrush(THIS_PC)
        return None


class RecordDialog(QDialog):
    """详情: every field of one centre record."""

    def __init__(self, record: CentreRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"开户记录 — {record.name}")
        form = QFormLayout()
        for label, text in record.fields():
            value = QLabel(text or "—")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(f"{label}：", value)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(360)


class CentreRecordsPanel(QWidget):
    """Fetched on demand (the centre is asked only when the clerk says 刷新)."""

    def __init__(self, records: CentreRecords, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.records = records
        self.op: Op[list[CentreRecord]] | None = None
        self.dialog: RecordDialog | None = None
        self.fetch_button = QPushButton("从中心读取")
        self.fetch_button.setObjectName("fetchCentreRecords")
        self.fetch_button.setToolTip("读取中心登记的本单位全部开户记录（需联网并已登录）")
        self.fetch_button.clicked.connect(self.fetch)
        self.detail_button = QPushButton("详情")
        self.detail_button.clicked.connect(self.show_detail)
        self.export_button = QPushButton("导出 Excel…")
        self.export_button.clicked.connect(lambda: self.export_to())
        buttons = QHBoxLayout()
        for button in (self.fetch_button, self.detail_button, self.export_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.model = CentreRecordModel()
        self.table = QTableView()
        self.table.setObjectName("centreRecordsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _index: self.show_detail())
        self.table.selectionModel().selectionChanged.connect(self._selection)
        self.message = QLabel(
            "点击“从中心读取”查看中心登记的本单位全部开户记录；浅蓝色为本机提交。"
        )
        self.message.setObjectName("centreRecordsMessage")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        layout.addWidget(self.message)
        self._selection()

    def _selection(self) -> None:
        self.detail_button.setEnabled(self.selected() is not None)
        self.export_button.setEnabled(self.model.rowCount() > 0)

    def selected(self) -> CentreRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.item(rows[0].row()) if rows else None

    def fetch(self) -> Op[list[CentreRecord]] | None:
        if self.op is not None:
            return None
        self.fetch_button.setEnabled(False)
        self.message.setText("正在读取中心记录…")

        def done(records: list[CentreRecord]) -> None:
            self.op = None
            self.fetch_button.setEnabled(True)
            self.model.set_items(records)
            self.table.resizeColumnsToContents()
            ours = sum(r.from_this_pc for r in records)
            self.message.setText(
                f"中心共有本单位开户记录 {len(records)} 条，其中本机提交 {ours} 条。"
            )
            self._selection()

        def failed(error: BaseException) -> None:
            self.op = None
            self.fetch_button.setEnabled(True)
            text = error.message if isinstance(error, KnownError) else str(error)
            self.message.setText(f"未能读取中心记录：{text}")

        self.op = (
            Op(self, lambda ctx: self.records.fetch(lambda: ctx.cancelled))
            .success(done)
            .failure(failed)
            .with_progress("正在读取中心记录…")
            .run()
        )
        return self.op

    def show_detail(self) -> None:
        record = self.selected()
        if record is None:
            return
        self.dialog = RecordDialog(record, self)
        self.dialog.open()

    def export_to(self, path: str | None = None) -> Path | None:
        """导出 Excel; `path` skips the file dialog (tests, scripts)."""
        if path is None:
            path, _ = file_dialogs.get_save_file_name(
                self,
                "导出开户中心记录",
                "开户中心记录.xlsx",
                "Excel 工作簿 (*.xlsx)",
                purpose="export",
            )
            if not path:
                return None
        records = [self.model.item(i) for i in range(self.model.rowCount())]
        try:
            saved = export(records, Path(path))
        except KnownError as error:
            self.message.setText(error.message)
            return None
        self.message.setText(f"已导出 {len(records)} 条：{saved}")
        return saved
