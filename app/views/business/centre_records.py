"""A 查询 page's 中心记录 tab: the unit's records at the centre, details, 重新修改, export."""

from __future__ import annotations

from collections.abc import Callable
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
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import KnownError
from app.services.engine.centre_records import CentreRecord, CentreRecords, export
from app.views import file_dialogs, table_columns
from app.views.list_model import ListTableModel
from app.views.ops import Op

THIS_PC = QColor("#e8f0fe")  # rows this PC submitted
# Brings a 退回 submission of this PC back into its 清册: (business, outbox id) → the list's name.
Reopen = Callable[[str, int], str]


MONEY = frozenset({"base", "monthly_amount"})  # the records' columns of 元, right-aligned
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


class CentreRecordModel(ListTableModel[CentreRecord]):
    def __init__(self, columns: tuple[str, ...], numbers: frozenset[int] = frozenset()) -> None:
        super().__init__(columns)
        self.numbers = numbers

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and orientation == Qt.Orientation.Horizontal:
            return RIGHT if section in self.numbers else LEFT  # over the digits
        return super().headerData(section, orientation, role)

    def cell(self, item: CentreRecord, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.numbers:
            return RIGHT
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = item.fields()[column][1]
            return table_columns.grouped(text) if column in self.numbers else text
        if role == Qt.ItemDataRole.BackgroundRole and item.from_this_pc:
            return QBrush(THIS_PC)
        return None


class RecordDialog(QDialog):
    """详情: every field of one centre record."""

    def __init__(self, record: CentreRecord, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{title}记录 — {record['name']}")
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

    def __init__(
        self,
        records: CentreRecords,
        parent: QWidget | None = None,
        *,
        reopen: Reopen | None = None,
    ) -> None:
        super().__init__(parent)
        self.records = records
        self.title = records.kind.title
        self.reopen = reopen
        self.op: Op[list[CentreRecord]] | None = None
        self.dialog: RecordDialog | None = None
        self.fetch_button = QPushButton("从中心读取")
        self.fetch_button.setObjectName("fetchCentreRecords")
        self.fetch_button.setToolTip(f"读取中心登记的本单位全部{self.title}记录（需联网并已登录）")
        self.fetch_button.clicked.connect(self.fetch)
        self.detail_button = QPushButton("详情")
        self.detail_button.clicked.connect(self.show_detail)
        self.reopen_button = QPushButton("重新修改")
        self.reopen_button.setToolTip("把中心退回的本机申报取回清册，修改后重新提交")
        self.reopen_button.clicked.connect(self.reopen_selected)
        self.reopen_button.setVisible(reopen is not None)
        self.export_button = QPushButton("导出 Excel…")
        self.export_button.clicked.connect(lambda: self.export_to())
        buttons = QHBoxLayout()
        for button in (
            self.fetch_button,
            self.detail_button,
            self.reopen_button,
            self.export_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        specs = records.kind.export.columns
        numbers = frozenset(i for i, column in enumerate(specs) if column.key in MONEY)
        self.model = CentreRecordModel(tuple(column.header for column in specs), numbers)
        self.table = QTableView()
        self.table.setObjectName("centreRecordsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table_columns.prepare(self.table)
        table_columns.fit(self.table)  # empty until 从中心读取: every header whole
        self.table.doubleClicked.connect(lambda _index: self.show_detail())
        self.table.selectionModel().selectionChanged.connect(self._selection)
        self.message = QLabel(
            f"点击“从中心读取”查看中心登记的本单位全部{self.title}记录；浅蓝色为本机提交。"
        )
        self.message.setObjectName("centreRecordsMessage")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        layout.addWidget(self.message)
        self._selection()

    def _selection(self) -> None:
        selected = self.selected()
        self.detail_button.setEnabled(selected is not None)
        self.reopen_button.setEnabled(selected is not None and selected.reopenable)
        self.export_button.setEnabled(self.model.rowCount() > 0)

    def reopen_selected(self) -> None:
        """重新修改: the 退回 submission holding the row goes back into its 清册."""
        record = self.selected()
        if record is None or self.reopen is None or record.outbox_id is None:
            return
        if not record.reopenable:
            self.message.setText("只有中心退回的本机申报可以重新修改。")
            return
        try:
            list_name = self.reopen(record.business, record.outbox_id)
        except KnownError as error:
            self.message.setText(error.message)
            return
        self.message.setText(f"已取回到{list_name}，请修改后重新提交。")

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
            table_columns.fit(self.table)
            ours = sum(r.from_this_pc for r in records)
            self.message.setText(
                f"中心共有本单位{self.title}记录 {len(records)} 条，其中本机提交 {ours} 条。"
            )
            self._selection()

        def failed(error: BaseException) -> None:
            self.op = None
            self.fetch_button.setEnabled(True)
            text = error.message if isinstance(error, KnownError) else str(error)
            self.message.setText(f"未能读取中心记录：{text}")

        service = self.records  # the worker gets the service, never the widget
        self.op = (
            Op(self, lambda ctx: service.fetch(lambda: ctx.cancelled))
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
        self.dialog = RecordDialog(record, self.title, self)
        self.dialog.open()

    def export_to(self, path: str | None = None) -> Path | None:
        """导出 Excel; `path` skips the file dialog (tests, scripts)."""
        if path is None:
            path, _ = file_dialogs.get_save_file_name(
                self,
                f"导出{self.title}中心记录",
                f"{self.title}中心记录.xlsx",
                "Excel 工作簿 (*.xlsx)",
                purpose="export",
            )
            if not path:
                return None
        records = [self.model.item(i) for i in range(self.model.rowCount())]
        try:
            saved = export(records, Path(path), self.records.kind.export)
        except KnownError as error:
            self.message.setText(error.message)
            return None
        self.message.setText(f"已导出 {len(records)} 条：{saved}")
        return saved
