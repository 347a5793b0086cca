"""The 清册 (pending list) of a business: one widget, the same on the single and the batch page.

Search, 浏览, 修改, 删除, 撤销删除 and 全部提交 work alike from either entry. 修改 is the host's
to do (the single page loads the row into its form, the batch page opens it in a dialog), so
the list asks for it with `modify_requested`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import KnownError
from app.services.attachments import AttachmentService
from app.services.engine.pending import PendingLists, RowView
from app.services.policy import CentrePolicy
from app.services.rules.money import format_money
from app.services.scanning import Scanner
from app.views.business.detail_dialog import RowDetailDialog
from app.views.business.pending_model import ROW_ID_ROLE, SORT_ROLE, PendingRowsModel
from app.views.business.submit_dialog import SubmitDialog
from app.views.ops import Op

# The widest a column grows to fit its content; the 错误说明 text is in the tooltip as well.
FIT_ROWS = 50
MAX_COLUMN_WIDTH = 360


class PendingListPanel(QGroupBox):
    """Search, table, summary and the list's actions over one business's open 清册."""

    said = Signal(str, bool)  # a message for the host's message line, and whether it is an error
    modify_requested = Signal(object)  # the RowView to modify
    changed = Signal()  # rows were deleted, restored or submitted
    deleted = Signal(int)  # the id of the deleted row
    submitted = Signal(int)  # the outbox item's id
    submit_opened = Signal(object)  # the SubmitDialog just opened (its materials panel)

    def __init__(
        self,
        pending: PendingLists,
        attachments: AttachmentService,
        policy: Callable[[], CentrePolicy],
        parent: QWidget | None = None,
        scanner: Scanner | None = None,
    ) -> None:
        super().__init__(pending.spec.list_name, parent)
        self.pending = pending
        self.attachments = attachments
        self.policy = policy
        self.scanner = scanner
        self.spec = pending.spec
        self.last_deleted: int | None = None
        self.submit_dialog: SubmitDialog | None = None
        self.checking: Op[list[RowView]] | None = None
        self.detail_dialog: RowDetailDialog | None = None
        self._build_table()
        self.search = QLineEdit()
        self.search.setObjectName("listSearch")
        self.search.setPlaceholderText("在清册中查找（姓名、证件号码…）")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.summary = QLabel()
        self.summary.setObjectName("listSummary")
        self.summary.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        for key, label, slot in (
            ("browse", "浏览", self.browse),
            ("modify", "修改", self.modify),
            ("delete", "删除", self.delete),
            ("undo", "撤销删除", self.undo_delete),
            ("submit", "全部提交", self.submit_all),
        ):
            button = QPushButton(label)
            button.setObjectName(f"{key}Button")
            button.clicked.connect(slot)
            self.buttons[key] = button
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)

    def _build_table(self) -> None:
        self.model = PendingRowsModel(self.spec)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table = QTableView()
        self.table.setObjectName("pendingTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # entry order until asked
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # Fitting the columns measures the rows on screen and this many more, not 1,000 (Qt's
        # default): each cell measured is several Python calls, which froze the window for
        # seconds after every change to a 10,000-row 清册 (issue 12).
        header.setResizeContentsPrecision(FIT_ROWS)
        self.table.doubleClicked.connect(lambda _index: self.browse())

    def refresh(self) -> None:
        rows = self.pending.rows()
        self.model.set_items(rows)
        self.fit_columns()
        summary = self.pending.summary(rows)
        parts = [f"共 {summary.count} 条"]
        if summary.with_errors:
            parts.append(f"其中 {summary.with_errors} 条有误")
        for key, total in summary.totals.items():
            parts.append(f"{self.spec.field(key).label}合计 {format_money(total)}")
        self.summary.setText("，".join(parts))
        self.buttons["undo"].setEnabled(self.last_deleted is not None)
        self.buttons["submit"].setEnabled(summary.count > 0 and self.checking is None)

    def fit_columns(self) -> None:
        """Every column as wide as its header and content (an 18-digit ID is never cut)."""
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        for column in range(self.model.columnCount()):
            if header.sectionSize(column) > MAX_COLUMN_WIDTH:
                header.resizeSection(column, MAX_COLUMN_WIDTH)

    def selected_row_id(self) -> int | None:
        indexes = self.table.selectionModel().selectedRows()
        if not indexes:
            return None
        return int(self.proxy.data(indexes[0], ROW_ID_ROLE))

    def _selected_row(self) -> RowView | None:
        row_id = self.selected_row_id()
        if row_id is None:
            self.said.emit("请先在清册中选中一条记录。", True)
            return None
        return next((r for r in self.pending.rows() if r.id == row_id), None)

    # --- actions ----------------------------------------------------------------------------
    def browse(self) -> None:
        row = self._selected_row()
        if row is not None:
            self.detail_dialog = RowDetailDialog(self.spec, row, self)
            self.detail_dialog.open()

    def modify(self) -> None:
        row = self._selected_row()
        if row is not None:
            self.modify_requested.emit(row)

    def delete(self) -> None:
        row_id = self.selected_row_id()
        if row_id is None:
            self.said.emit("请先在清册中选中一条记录。", True)
            return
        self.pending.delete(row_id)
        self.last_deleted = row_id
        self.refresh()
        self.said.emit("已删除一条记录，可点“撤销删除”恢复。", False)
        self.deleted.emit(row_id)
        self.changed.emit()

    def undo_delete(self) -> None:
        if self.last_deleted is None:
            return
        try:
            row = self.pending.undo_delete(self.last_deleted)
        except KnownError as error:
            self.said.emit(error.message, True)
            return
        self.last_deleted = None
        self.refresh()
        self.said.emit("已恢复：{}".format(row.values.get("name", "")), False)
        self.changed.emit()

    def submit_all(self) -> Op[list[RowView]] | None:
        """全部提交: every row checked again (in the background), then the materials dialog."""
        if self.checking is not None:
            return None
        self.buttons["submit"].setEnabled(False)
        self.said.emit("正在检查清册…", False)
        pending = self.pending  # the worker gets the service, never the list
        self.checking = (
            Op(self, lambda _ctx: pending.recheck())
            .success(self._checked)
            .failure(self._check_failed)
            .with_progress("正在检查清册…")
            .run()
        )
        return self.checking

    def _checked(self, rows: list[RowView]) -> None:
        self.checking = None
        self.refresh()  # the marks of rows that are wrong now show in the table
        bad = [r for r in rows if r.errors]
        if bad:
            # The first one named with its reason, so a reason the centre gave (an account
            # already open at another unit) is read without hovering.
            first = bad[0]
            who = first.values.get("name") or first.values.get("id_number") or "第一条"
            why = next(iter(first.errors.values())).rstrip("。")
            more = f"等 {len(bad)} 条" if len(bad) > 1 else ""
            self.said.emit(
                f"清册中有 {len(bad)} 条记录有误（已标红，悬停可见原因）：{who}{more}——{why}。"
                "请修改后再提交。",
                True,
            )
            return
        self.said.emit("", False)
        dialog = SubmitDialog(
            self.pending, self.attachments, self.policy(), self, scanner=self.scanner
        )
        dialog.accepted.connect(lambda: self._submitted(dialog, len(rows)))
        self.submit_dialog = dialog
        self.submit_opened.emit(dialog)
        dialog.open()

    def _check_failed(self, error: BaseException) -> None:
        self.checking = None
        self.refresh()
        self.said.emit(error.message if isinstance(error, KnownError) else str(error), True)

    def _submitted(self, dialog: SubmitDialog, count: int) -> None:
        if dialog.outbox_id is None:
            return
        self.last_deleted = None
        self.refresh()
        self.said.emit(f"已提交 {count} 条；联网后自动上传，可在查询中查看审核状态。", False)
        self.submitted.emit(dialog.outbox_id)
        self.changed.emit()
