"""核定查询: 汇缴 and 补缴 submissions one line each — month(s), kind, people, amount, state,
the reviewer's reason — with 重新修改 and 打印核定单 (Qt's print preview, A4)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import KnownError
from app.services.engine.states import SubmissionState
from app.services.payments.document import to_html
from app.services.payments.query import KIND_NAMES, AssessmentQuery, AssessmentRecord
from app.services.rules.yearmonth import YearMonth
from app.views import table_columns
from app.views.business.query_page import STATE_COLOURS, reason_line
from app.views.list_model import ListTableModel
from app.views.looks import set_role, set_state
from app.views.payments.print_preview import preview_dialog

# 原因, free text of any length, is last and takes what the others leave (提交时间 there took
# nearly the whole width of an empty list).
COLUMNS = ("提交编号", "提交时间", "业务", "核定月份", "人数", "金额", "核定总金额", "状态", "原因")
NUMBERS = (0, 4, 5, 6)  # right-aligned
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


class RecordModel(ListTableModel[AssessmentRecord]):
    def __init__(self) -> None:
        super().__init__(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and orientation == Qt.Orientation.Horizontal:
            return RIGHT if section in NUMBERS else LEFT  # a number's header over its digits
        return super().headerData(section, orientation, role)

    def cell(self, item: AssessmentRecord, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and column in NUMBERS:
            return RIGHT
        if role == Qt.ItemDataRole.BackgroundRole and item.state.label in STATE_COLOURS:
            return QBrush(STATE_COLOURS[item.state.label])  # as every 查询 page tints a state
        if role == Qt.ItemDataRole.ToolTipRole and column == len(COLUMNS) - 1:
            return item.reason or None  # a long reason, cut at the column's edge, read whole
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        total = item.assessed_total
        return (
            str(item.outbox_id),
            item.submitted_at.strftime("%Y-%m-%d %H:%M"),
            item.kind,
            item.months,
            str(item.people),
            f"{item.amount:,.2f}",
            "" if total is None else f"{total:,.2f}",
            item.state.label,
            item.reason,
        )[column]


class AssessmentQueryPage(QWidget):
    reopened = Signal(str)  # the business code whose list got rows back

    def __init__(self, query: AssessmentQuery, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.query = query
        self.preview: QWidget | None = None
        title = QLabel("核定查询")
        set_role(title, "page-title")
        self.kind = QComboBox()
        self.kind.setAccessibleName("业务")
        self.kind.addItem("全部", None)
        for code, name in KIND_NAMES.items():
            self.kind.addItem(name, code)
        self.since, self.until = QLineEdit(), QLineEdit()
        for edit, hint in ((self.since, "起始年月"), (self.until, "终止年月")):
            # "核定月份：[起] 至 [止]" says which is which; the hint shows the form, whole.
            edit.setPlaceholderText("如 2026-01")
            edit.setAccessibleName(hint)
            edit.setToolTip(f"{hint}，如 2026-01；不填表示不限")
            edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("如 2026-01 ") + 12)
            edit.returnPressed.connect(self.refresh)
        self.state = QComboBox()
        self.state.setAccessibleName("状态")
        self.state.addItem("全部", None)
        for state in SubmissionState:
            self.state.addItem(state.label, state.label)
        search = QPushButton("查询")
        search.clicked.connect(self.refresh)
        self.kind.currentIndexChanged.connect(self.refresh)
        self.state.currentIndexChanged.connect(self.refresh)
        filters = QHBoxLayout()
        for label, widget in (
            ("业务：", self.kind), ("核定月份：", self.since), ("至", self.until),
            ("状态：", self.state),
        ):  # fmt: skip
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(search)
        filters.addStretch(1)
        self.model = RecordModel()
        self.table = QTableView()
        self.table.setObjectName("historyTable")  # as on every 查询 page
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table_columns.prepare(self.table)
        self.table.selectionModel().selectionChanged.connect(self._enable)
        self.reopen_button = QPushButton("重新修改")
        self.reopen_button.clicked.connect(self.reopen_selected)
        self.print_button = QPushButton("打印核定单…")
        self.print_button.clicked.connect(self.print_selected)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.reopen_button)
        actions.addWidget(self.print_button)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.row_reason = reason_line()
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(filters)
        layout.addWidget(self.table)
        layout.addWidget(self.row_reason)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.refresh()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        set_state(self.message, "error" if error else "ok")

    def _month(self, edit: QLineEdit) -> YearMonth | None:
        text = edit.text().strip()
        return YearMonth.parse(text) if text else None

    def refresh(self) -> None:
        try:
            records = self.query.records(
                business=self.kind.currentData(),
                since=self._month(self.since),
                until=self._month(self.until),
                state=self.state.currentData(),
            )
        except KnownError as exc:
            self._say(f"核定月份：{exc.message}", error=True)
            return
        self.model.set_items(records)
        table_columns.fit(self.table)
        self._say(f"共 {len(records)} 笔。" if records else "没有符合条件的核定。")
        self._enable()

    def selected(self) -> AssessmentRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.item(rows[0].row()) if rows else None

    def _enable(self) -> None:
        record = self.selected()
        self.reopen_button.setEnabled(record is not None and record.can_reopen)
        self.print_button.setEnabled(record is not None)
        chosen = f"{record.kind}（{record.months}）：{record.reason}" if record else ""
        self.row_reason.setText(chosen)
        self.row_reason.setVisible(record is not None and bool(record.reason))

    def reopen_selected(self) -> None:
        record = self.selected()
        if record is None:
            return
        try:
            list_name = self.query.reopen(record)
        except KnownError as exc:
            self._say(exc.message, error=True)
            return
        self.refresh()
        self._say(f"已放回{list_name}，修改后重新提交。")
        self.reopened.emit(record.business)

    def print_selected(self) -> QWidget | None:
        record = self.selected()
        if record is None:
            return None
        try:
            document = self.query.document(record)
        except KnownError as exc:
            self._say(exc.message, error=True)
            return None
        dialog = preview_dialog(to_html(document), f"{document.title} {document.months}", self)
        self.preview = dialog
        dialog.open()
        return dialog
