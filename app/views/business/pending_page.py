"""A business's page: the entry form above, its pending list (清册) below, and 全部提交."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import KnownError
from app.services.attachments import AttachmentService
from app.services.engine.pending import PendingLists, RowInvalidError, RowView
from app.services.engine.rows import check_row
from app.services.engine.spec import RowContext
from app.services.policy import CentrePolicy
from app.services.rules.money import format_money
from app.services.scanning import Scanner
from app.views.business.detail_dialog import RowDetailDialog
from app.views.business.form import BusinessForm
from app.views.business.pending_model import ROW_ID_ROLE, SORT_ROLE, PendingRowsModel
from app.views.business.submit_dialog import SubmitDialog
from app.views.ops import Op


class PendingPage(QWidget):
    """Form + 清册 for one business of the current unit."""

    submitted = Signal(int)  # the outbox item's id

    def __init__(
        self,
        pending: PendingLists,
        attachments: AttachmentService,
        policy: Callable[[], CentrePolicy],
        parent: QWidget | None = None,
        scanner: Scanner | None = None,
    ) -> None:
        super().__init__(parent)
        self.scanner = scanner  # one for the whole window: finding devices is slow
        self.pending = pending
        self.attachments = attachments
        self.policy = policy
        self.spec = pending.spec
        self.editing: int | None = None  # the row being modified, if any
        self.last_deleted: int | None = None
        self._context: RowContext | None = None
        self.submit_dialog: SubmitDialog | None = None
        self.checking: Op[list[RowView]] | None = None
        self.detail_dialog: RowDetailDialog | None = None

        self.form = BusinessForm(self.spec, policy())
        self.form.changed.connect(self._preview)
        self.add_button = QPushButton("添加")
        self.add_button.setObjectName("addButton")
        self.add_button.setDefault(True)
        self.add_button.clicked.connect(self.add_row)
        self.cancel_edit_button = QPushButton("取消修改")
        self.cancel_edit_button.clicked.connect(self.cancel_edit)
        self.cancel_edit_button.hide()
        self.clear_button = QPushButton("清空")
        self.clear_button.clicked.connect(self.reset_form)
        self.message = QLabel()
        self.message.setObjectName("formMessage")
        self.message.setWordWrap(True)
        form_buttons = QHBoxLayout()
        form_buttons.addWidget(self.message, 1)
        form_buttons.addWidget(self.clear_button)
        form_buttons.addWidget(self.cancel_edit_button)
        form_buttons.addWidget(self.add_button)
        form_box = QWidget()
        form_layout = QVBoxLayout(form_box)
        form_layout.addWidget(self.form)
        form_layout.addLayout(form_buttons)
        form_scroll = QScrollArea()
        form_scroll.setWidgetResizable(True)
        form_scroll.setWidget(form_box)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(form_scroll)
        self.splitter.addWidget(self._build_list())
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        title = QLabel(self.spec.name)
        title.setStyleSheet("font-size: 18px; font-weight: bold;")
        layout.addWidget(title)
        layout.addWidget(self.splitter)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.add_row)
        self.refresh()

    # --- the list ---------------------------------------------------------------------------
    def _build_list(self) -> QGroupBox:
        box = QGroupBox(self.spec.list_name)
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
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _index: self.browse())
        self.search = QLineEdit()
        self.search.setObjectName("listSearch")
        self.search.setPlaceholderText("在清册中查找（姓名、证件号码…）")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.summary = QLabel()
        self.summary.setObjectName("listSummary")
        self.buttons: dict[str, QPushButton] = {}
        actions = (
            ("browse", "浏览", self.browse),
            ("modify", "修改", self.modify),
            ("delete", "删除", self.delete),
            ("undo", "撤销删除", self.undo_delete),
            ("submit", "全部提交", self.submit_all),
        )
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        for key, label, slot in actions:
            button = QPushButton(label)
            button.setObjectName(f"{key}Button")
            button.clicked.connect(slot)
            self.buttons[key] = button
            bar.addWidget(button)
        layout = QVBoxLayout(box)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        layout.addWidget(self.summary)
        return box

    def refresh(self) -> None:
        rows = self.pending.rows()
        self.model.set_items(rows)
        self.table.resizeColumnsToContents()
        summary = self.pending.summary(rows)
        parts = [f"共 {summary.count} 条"]
        if summary.with_errors:
            parts.append(f"其中 {summary.with_errors} 条有误")
        for key, total in summary.totals.items():
            parts.append(f"{self.spec.field(key).label}合计 {format_money(total)}")
        self.summary.setText("，".join(parts))
        self.buttons["undo"].setEnabled(self.last_deleted is not None)
        self.buttons["submit"].setEnabled(summary.count > 0)
        self._context = self.pending.snapshot()

    def selected_row_id(self) -> int | None:
        indexes = self.table.selectionModel().selectedRows()
        if not indexes:
            return None
        return int(self.proxy.data(indexes[0], ROW_ID_ROLE))

    def _selected_or_say(self) -> int | None:
        row_id = self.selected_row_id()
        if row_id is None:
            self._say("请先在清册中选中一条记录。", error=True)
        return row_id

    # --- the form ---------------------------------------------------------------------------
    def _preview(self) -> None:
        """Derived fields follow the input live (no database round trip per keystroke)."""
        if self._context is None:
            return
        result = check_row(self.spec, self.form.values(), self._context, row_id=self.editing)
        self.form.show_derived(result.values)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet("color: #c62828;" if error else "color: #2e7d32;")
        self.message.setText(text)

    def add_row(self) -> None:
        """添加 (or 保存修改 while modifying): check, store, and clear the form."""
        try:
            if self.editing is None:
                row = self.pending.add(self.form.values())
                self._say("已添加到{}：{}".format(self.spec.list_name, row.values.get("name", "")))
            else:
                row = self.pending.update(self.editing, self.form.values())
                self._say("已保存修改：{}".format(row.values.get("name", "")))
        except RowInvalidError as error:
            self.form.show_errors(error.errors)
            self._say(f"有 {len(error.errors)} 处需要修改，见各项旁的提示。", error=True)
            return
        except KnownError as error:
            self._say(error.message, error=True)
            return
        self.reset_form(keep_message=True)
        self.refresh()

    def reset_form(self, *, keep_message: bool = False) -> None:
        self.form.clear()
        self.editing = None
        self.add_button.setText("添加")
        self.cancel_edit_button.hide()
        if not keep_message:
            self.message.clear()

    def cancel_edit(self) -> None:
        self.reset_form()

    # --- list actions -----------------------------------------------------------------------
    def browse(self) -> None:
        row_id = self._selected_or_say()
        if row_id is None:
            return
        row = next(r for r in self.pending.rows() if r.id == row_id)
        self.detail_dialog = RowDetailDialog(self.spec, row, self)
        self.detail_dialog.open()

    def modify(self) -> None:
        row_id = self._selected_or_say()
        if row_id is None:
            return
        row = next(r for r in self.pending.rows() if r.id == row_id)
        self.form.set_values(row.values)
        self.form.show_errors(row.errors)
        self.editing = row_id
        self.add_button.setText("保存修改")
        self.cancel_edit_button.show()
        self._say("正在修改：{}".format(row.values.get("name", "")))

    def delete(self) -> None:
        row_id = self._selected_or_say()
        if row_id is None:
            return
        self.pending.delete(row_id)
        self.last_deleted = row_id
        if self.editing == row_id:
            self.reset_form()
        self._say("已删除一条记录，可点“撤销删除”恢复。")
        self.refresh()

    def undo_delete(self) -> None:
        if self.last_deleted is None:
            return
        try:
            row = self.pending.undo_delete(self.last_deleted)
        except KnownError as error:
            self._say(error.message, error=True)
            return
        self.last_deleted = None
        self._say("已恢复：{}".format(row.values.get("name", "")))
        self.refresh()

    def submit_all(self) -> Op[list[RowView]] | None:
        """全部提交: every row checked again (in the background), then the materials dialog."""
        if self.checking is not None:
            return None
        self.buttons["submit"].setEnabled(False)
        self._say("正在检查清册…")

        def checked(rows: list[RowView]) -> None:
            self.checking = None
            self.refresh()  # the marks of rows that are wrong now show in the table
            bad = [r for r in rows if r.errors]
            if bad:
                self._say(
                    f"清册中有 {len(bad)} 条记录有误（已标红，悬停可见原因），请修改后再提交。",
                    error=True,
                )
                return
            self.message.clear()
            dialog = SubmitDialog(
                self.pending, self.attachments, self.policy(), self, scanner=self.scanner
            )
            dialog.accepted.connect(lambda: self._submitted(dialog, len(rows)))
            self.submit_dialog = dialog
            dialog.open()

        def failed(error: BaseException) -> None:
            self.checking = None
            self.refresh()
            self._say(error.message if isinstance(error, KnownError) else str(error), error=True)

        self.checking = (
            Op(self, lambda _ctx: self.pending.recheck())
            .success(checked)
            .failure(failed)
            .with_progress("正在检查清册…")
            .run()
        )
        return self.checking

    def _submitted(self, dialog: SubmitDialog, count: int) -> None:
        if dialog.outbox_id is None:
            return
        self.last_deleted = None
        self._say(f"已提交 {count} 条；联网后自动上传，可在查询中查看审核状态。")
        self.refresh()
        self.submitted.emit(dialog.outbox_id)
