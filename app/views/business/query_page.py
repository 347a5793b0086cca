"""A business's 查询 page: submitted work, its review state and the reviewer's reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import KnownError
from app.services.changes import Changes
from app.services.engine.history import STATES, HistoryRow, SubmissionHistory
from app.services.engine.states import SubmissionState
from app.views import table_columns
from app.views.changes import ChangeHub
from app.views.list_model import ListTableModel
from app.views.looks import set_role, set_state

COLUMNS = ("提交时间", "业务", "姓名", "证件号码", "个人账号", "状态", "说明")
_TROUBLE, _GOOD = QColor("#fde0dc"), QColor("#e3f4e1")
STATE_COLOURS = {
    SubmissionState.REJECTED.label: _TROUBLE,
    SubmissionState.FAILED.label: _TROUBLE,
    SubmissionState.APPROVED.label: _GOOD,
    SubmissionState.REVIEWED.label: _GOOD,
    SubmissionState.USED.label: _GOOD,
}
PERIODS = (("全部", None), ("今天", 0), ("近 7 天", 7), ("近 30 天", 30), ("近一年", 365))


def reason_line() -> QLabel:
    """Below a 查询 list: the chosen row's reason (退回, 失败) whole; the list cuts it at the
    edge of a small screen, where only hovering read it."""
    line = QLabel()
    line.setObjectName("rowReason")
    line.setWordWrap(True)
    line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    set_state(line, "error")
    line.hide()
    return line


class HistoryModel(ListTableModel[HistoryRow]):
    def __init__(self) -> None:
        super().__init__(COLUMNS)

    def cell(self, item: HistoryRow, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            values = (
                item.submitted_at.strftime("%Y-%m-%d %H:%M"),
                item.business_name,
                item.name,
                item.id_number,
                item.account_no,
                item.state,
                item.reason,
            )
            return values[column]
        if role == Qt.ItemDataRole.BackgroundRole and item.state in STATE_COLOURS:
            return QBrush(STATE_COLOURS[item.state])
        return None


class QueryPage(QWidget):
    """Filterable by time, state and person; a 退回 submission can be reopened for correction."""

    model_class: type[HistoryModel] = HistoryModel  # a business's own columns (缴存比例调整)

    def __init__(
        self,
        title: str,
        history: SubmissionHistory,
        businesses: tuple[str, ...],
        reopen: Callable[[str, int], str],
        parent: QWidget | None = None,
        today: Callable[[], date] = date.today,
        retry: Callable[[int], bool] | None = None,
        hub: ChangeHub | None = None,
        centre: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.history = history
        self._stale = False
        self._listening = hub is not None  # without a hub, refresh whenever shown
        if hub is not None:
            hub.changed.connect(self._changed)
        self.businesses = businesses
        self.reopen_in = reopen
        self.retry_in = retry
        self.today = today
        heading = QLabel(title)
        set_role(heading, "heading")
        self.period = QComboBox()
        self.period.setObjectName("periodFilter")
        for label, days in PERIODS:
            self.period.addItem(label, days)
        self.state = QComboBox()
        self.state.setObjectName("stateFilter")
        self.state.addItems(("全部状态", *STATES))
        self.person = QLineEdit()
        self.person.setObjectName("personFilter")
        self.person.setPlaceholderText("姓名、证件号码或个人账号")
        self.person.setClearButtonEnabled(True)
        # Room for a whole 18-digit ID number, and no more: the page must fit a scaled screen.
        digits = self.person.fontMetrics().horizontalAdvance("0" * 18)
        self.person.setMinimumWidth(digits + 32)
        hint = self.person.fontMetrics().horizontalAdvance(self.person.placeholderText())
        self.person.setMaximumWidth(max(digits, hint) + 48)  # grows until the hint shows whole
        refresh = QPushButton("查询")
        refresh.clicked.connect(self.refresh)
        self.reopen_button = QPushButton("重新修改")
        self.reopen_button.setObjectName("reopenButton")
        self.reopen_button.setToolTip("把被退回或上传失败的提交放回清册，修改后重新提交")
        self.reopen_button.clicked.connect(self.reopen_selected)
        self.retry_button = QPushButton("重新上传")
        self.retry_button.setObjectName("retryButton")
        self.retry_button.setToolTip("问题已在本机解决（如文件已放回原处）时，按原样重新上传")
        self.retry_button.clicked.connect(self.retry_selected)
        self.retry_button.setVisible(retry is not None)
        self.period.currentIndexChanged.connect(self.refresh)
        self.state.currentIndexChanged.connect(self.refresh)
        self.person.returnPressed.connect(self.refresh)
        filters = QHBoxLayout()
        labelled: tuple[tuple[str, QWidget], ...] = (
            ("时间：", self.period),
            ("状态：", self.state),
            ("人员：", self.person),
        )
        for label, widget in labelled:
            filters.addWidget(QLabel(label))
            filters.addWidget(widget, 1 if widget is self.person else 0)
        filters.addWidget(refresh)
        filters.addStretch(1)
        self.model = self.model_class()
        self.table = QTableView()
        self.table.setObjectName("historyTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table_columns.prepare(self.table)
        self.table.selectionModel().selectionChanged.connect(self._selection)
        self.message = QLabel()
        self.message.setObjectName("queryMessage")
        self.message.setWordWrap(True)
        # What to do with the chosen row goes below the list, beside what the page says: the
        # filters and the actions on one line made the page too wide for a scaled 1024×768.
        self.row_reason = reason_line()
        actions = QHBoxLayout()
        actions.addWidget(self.message, 1)
        actions.addWidget(self.retry_button)
        actions.addWidget(self.reopen_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        own = QWidget() if centre is not None else self
        own_layout = QVBoxLayout(own) if centre is not None else layout
        own_layout.addLayout(filters)
        own_layout.addWidget(self.table)
        own_layout.addWidget(self.row_reason)
        own_layout.addLayout(actions)
        self.tabs: QTabWidget | None = None
        if centre is not None:  # this PC's submissions beside the centre's records of the unit
            own_layout.setContentsMargins(6, 6, 6, 0)  # the filters clear the tab's frame
            self.tabs = QTabWidget()
            self.tabs.setObjectName("queryTabs")
            self.tabs.addTab(own, "本机提交")
            self.tabs.addTab(centre, "中心记录")
            layout.addWidget(self.tabs)
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        if self._stale or not self._listening:  # states changed while the page was hidden
            self.refresh()
        super().showEvent(event)

    def _changed(self, changes: Changes) -> None:
        """Upload or review states changed somewhere: show them (now, or when next shown)."""
        if not changes.submissions:
            return
        if self.isVisible():
            self.refresh(keep_selection=True)
        else:
            self._stale = True

    def refresh(self, keep_selection: bool = False) -> None:
        chosen = self.selected() if keep_selection else None
        self._stale = False
        days = self.period.currentData()
        since = self.today() - timedelta(days=days) if days is not None else None
        state = self.state.currentText() if self.state.currentIndex() > 0 else None
        rows = self.history.rows(
            self.businesses, since=since, state=state, person=self.person.text()
        )
        self.model.set_items(rows)
        table_columns.fit(self.table)  # headers with room, contents whole; 说明 takes the rest
        if chosen is not None:
            self._select(chosen)
        self._selection()
        submissions = len({r.outbox_id for r in rows})
        set_state(self.message, "plain")
        self.message.setText(f"共 {submissions} 笔提交，{len(rows)} 人")

    def _select(self, before: HistoryRow) -> None:
        for index in range(self.model.rowCount()):
            row = self.model.item(index)
            if (row.outbox_id, row.id_number) == (before.outbox_id, before.id_number):
                self.table.selectRow(index)
                return

    def selected(self) -> HistoryRow | None:
        indexes = self.table.selectionModel().selectedRows()
        return self.model.item(indexes[0].row()) if indexes else None

    def _selection(self) -> None:
        row = self.selected()
        self.reopen_button.setEnabled(row is not None and row.can_reopen)
        self.retry_button.setEnabled(row is not None and row.can_retry)
        self.row_reason.setText(f"{row.name or row.business_name}：{row.reason}" if row else "")
        self.row_reason.setVisible(row is not None and bool(row.reason))

    def retry_selected(self) -> None:
        row = self.selected()
        if row is None or not row.can_retry or self.retry_in is None:
            return
        if self.retry_in(row.outbox_id):
            self.refresh()
            set_state(self.message, "ok")
            self.message.setText("已重新排队，联网后自动上传。")

    def reopen_selected(self) -> None:
        row = self.selected()
        if row is None or not row.can_reopen:
            return
        try:
            where = self.reopen_in(row.business, row.outbox_id)
        except KnownError as error:
            set_state(self.message, "error")
            self.message.setText(error.message)
            return
        self.refresh()
        set_state(self.message, "ok")
        self.message.setText(f"已放回{where}，请修改后重新提交。")
