"""The 清册 (pending list) of a business: one widget, the same on the single and the batch page.

Search, 浏览, 修改, 删除, 撤销删除 and 全部提交 work alike from either entry. 修改 is the host's
to do (the single page loads the row into its form, the batch page opens it in a dialog), so
the list asks for it with `modify_requested`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
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
from app.views.business.list_search import search_field
from app.views.business.pending_cells import column_widths
from app.views.business.pending_model import PendingRowsModel, Place, placed
from app.views.business.submit_dialog import SubmitDialog
from app.views.ops import Op

# The widest a column grows to fit its content; the 错误说明 text is in the tooltip as well.
FIT_ROWS = 50
MAX_COLUMN_WIDTH = 360
NO_SELECTION = "请先在清册中选中一条记录。"


class PendingListPanel(QGroupBox):
    """Search, table, summary and the list's actions over one business's open 清册."""

    said = Signal(str, bool)  # a message for the host's message line, and whether it is an error
    modify_requested = Signal(object)  # the RowView to modify
    changed = Signal()  # rows were deleted, restored or submitted
    rows_changed = Signal(list, list)  # the rows deleted, the rows restored (RowViews)
    deleted = Signal(int)  # the id of a deleted row (once per row)
    submitted = Signal(int)  # the outbox item's id
    submit_opened = Signal(object)  # the SubmitDialog just opened (its materials panel)

    def __init__(
        self,
        pending: PendingLists,
        attachments: AttachmentService,
        policy: Callable[[], CentrePolicy],
        parent: QWidget | None = None,
        scanner: Scanner | None = None,
        above: QWidget | None = None,
    ) -> None:
        super().__init__(pending.spec.list_name, parent)
        self.pending = pending
        self.attachments = attachments
        self.policy = policy
        self.scanner = scanner
        self.spec = pending.spec
        self.deleted_ids: list[int] = []  # what 撤销删除 brings back
        self.modifying: RowView | None = None  # the row handed out to be modified
        self._keep: list[int] = []  # the rows selected before the list was read again
        self.submit_dialog: SubmitDialog | None = None
        self.checking: Op[list[RowView]] | None = None
        self.deleting: Op[list[RowView]] | None = None  # 删除 on a worker (a big list)
        self.undoing: Op[list[Place]] | None = None  # 撤销删除 on a worker (a big list)
        self.detail_dialog: RowDetailDialog | None = None
        self._build_table()
        self.search = search_field(self.spec, self._search, self)
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
        if above is not None:  # the values of the whole list (ListValuesBar), in its frame
            layout.addWidget(above)  # first, so Tab goes down the frame as it reads
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)

    def _build_table(self) -> None:
        self.model = PendingRowsModel(self.pending)
        self.model.loaded.connect(self._loaded)
        self.model.summed.connect(self._show_summary)
        # Whatever reads the list again (open, sort, search), the selected rows stay selected.
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        # Sorting and searching are SQL in the model: no proxy copies 100,000 rows (issue 12).
        # The name stays for the pages and tests that read rows through it.
        self.proxy = self.model
        self.table = QTableView()
        self.table.setObjectName("pendingTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # entry order until asked
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Every row is as tall as the first: the view never measures 100,000 rows.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # Fitting the columns measures the rows on screen and this many more, not 1,000 (Qt's
        # default): each cell measured is several Python calls, which froze the window for
        # seconds after every change to a 10,000-row 清册 (issue 12).
        header.setResizeContentsPrecision(FIT_ROWS)
        self.table.doubleClicked.connect(lambda _index: self.browse())

    def refresh(self) -> None:
        """Read the list again (opened, imported, checked, submitted); a big one on a worker."""
        self.model.reload()
        self._show_summary()

    def _search(self) -> None:
        self.model.search(self.search.text())

    def _remember_selection(self) -> None:
        self._keep = self.selected_row_ids()

    def _loaded(self) -> None:
        """A new index is shown: columns fitted, the summary said, the selection kept."""
        self.fit_columns()
        self._show_summary()
        self._select(self._keep)
        self._keep = []

    def _show_summary(self) -> None:
        summary = self.model.summary
        parts = [f"共 {summary.count} 条"]
        if self.model.text:
            parts.append(f"查找到 {self.model.rowCount()} 条")
        if summary.with_errors:
            parts.append(f"其中 {summary.with_errors} 条有误")
        for key, total in summary.totals.items():
            parts.append(f"{self.spec.field(key).label}合计 {format_money(total)}")
        if self.model.loading is not None:
            parts.append("正在读取…")
        self.summary.setText("，".join(parts))
        self.buttons["undo"].setEnabled(bool(self.deleted_ids) and self.undoing is None)
        self.buttons["submit"].setEnabled(summary.count > 0 and self.checking is None)

    def _select(self, row_ids: list[int]) -> None:
        selection = QItemSelection()
        for row_id in row_ids:
            at = self.model.row_of(row_id)
            if at is not None:
                last = self.model.index(at, self.model.columnCount() - 1)
                selection.select(self.model.index(at, 0), last)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.selectionModel().select(selection, flags)

    # --- one row changed: it moves alone, nothing else is read ---------------------------
    def row_added(self, row: RowView, place: Place | None = None) -> None:
        """A row the host added: shown where the order puts it (`place`: read by the worker
        that added it), and scrolled to."""
        self.model.row_added(row, place)
        self.fit_columns([row], grow_only=True)
        self._show_summary()
        at = self.model.row_of(row.id)
        if at is not None:  # the view's layout (its scroll range) is deferred: done first
            self.table.doItemsLayout()
            self.table.scrollTo(self.model.index(at, 0))

    def row_saved(self, row: RowView, place: Place | None = None) -> None:
        """A row the host modified (the one `modify_requested` handed out, if it is that)."""
        before = self.modifying if self.modifying and self.modifying.id == row.id else None
        self.modifying = None
        self.model.row_changed(before, row, place)
        self.fit_columns([row], grow_only=True)
        self._show_summary()

    def fit_columns(self, rows: list[RowView] | None = None, *, grow_only: bool = False) -> None:
        """Every column as wide as its header and content (an 18-digit ID is never cut).

        Measured here from the first `FIT_ROWS` rows' text (or `rows`), not by Qt's
        resizeColumnsToContents, which asked the model for thousands of cells and roles:
        over a second of a frozen window for a 100,000-row list (issue 12).
        """
        if rows is None:
            rows = [self.model.item(r) for r in range(min(FIT_ROWS, self.model.rowCount()))]
        widths = column_widths(self.table, self.model.headers, self.model.columns, rows)
        header = self.table.horizontalHeader()
        for column, width in enumerate(widths):
            width = min(width, MAX_COLUMN_WIDTH)
            if not grow_only or width > header.sectionSize(column):
                header.resizeSection(column, width)

    def selected_row_ids(self) -> list[int]:
        """The ids of the selected rows, top to bottom."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.model.row_id(row) for row in rows if row < self.model.rowCount()]

    def selected_row_id(self) -> int | None:
        ids = self.selected_row_ids()
        return ids[0] if ids else None

    def _selected_row(self) -> RowView | None:
        row_id = self.selected_row_id()
        if row_id is None:
            self.said.emit(NO_SELECTION, True)
            return None
        # A big list's row as held (保存修改's worker finds out if it is gone); a small one's read.
        shown = self.model.cached(row_id) if self.model.big else None
        row = shown or self.pending.row(row_id)
        if row is None or row.deleted:
            self.said.emit("该记录已不存在（可能已被删除或已提交）。", True)
            return None
        return row

    # --- actions ----------------------------------------------------------------------------
    def browse(self) -> None:
        row = self._selected_row()
        if row is not None:
            self.detail_dialog = RowDetailDialog(self.spec, row, self)
            self.detail_dialog.open()

    def modify(self) -> None:
        row = self._selected_row()
        if row is not None:
            self.modifying = row
            self.modify_requested.emit(row)

    def delete(self) -> None:
        """删除 the selected rows (one or many); 撤销删除 brings them all back. A big list's
        rows are deleted on a worker: the window's thread writes nothing."""
        row_ids = self.selected_row_ids()
        if not row_ids:
            self.said.emit(NO_SELECTION, True)
            return
        if self.deleting is not None:
            return
        pending = self.pending
        if not self.model.big:
            try:
                removed = pending.delete_many(row_ids)
            except KnownError as error:
                self._change_failed(error)
                return
            self._removed(row_ids, removed)
            return
        self.buttons["delete"].setEnabled(False)
        self.deleting = (
            Op(self, lambda _ctx: pending.delete_many(row_ids))
            .success(lambda removed: self._removed(row_ids, removed))
            .failure(self._change_failed)
            .run()
        )

    def _removed(self, row_ids: list[int], removed: list[RowView]) -> None:
        self.deleting = None
        self.buttons["delete"].setEnabled(True)
        self.deleted_ids = row_ids
        self.model.rows_removed(removed)
        self._show_summary()
        what = "一条记录" if len(row_ids) == 1 else f"{len(row_ids)} 条记录"
        self.said.emit(f"已删除{what}，可点“撤销删除”恢复。", False)
        for row_id in row_ids:
            self.deleted.emit(row_id)
        self.rows_changed.emit(removed, [])
        self.changed.emit()

    @property
    def last_deleted(self) -> int | None:
        return self.deleted_ids[-1] if self.deleted_ids else None

    def undo_delete(self) -> None:
        """撤销删除: the rows back where they were (a big list's on a worker, with their places)."""
        if not self.deleted_ids or self.undoing is not None or self.deleting is not None:
            return
        pending, row_ids = self.pending, list(self.deleted_ids)
        if not self.model.big:
            try:
                rows = pending.undo_delete_many(row_ids)
            except KnownError as error:
                self._change_failed(error)
                return
            self._restored(rows)
            return
        self.buttons["undo"].setEnabled(False)
        order, text = self.model.where
        self.undoing = (
            Op(self, lambda _ctx: placed(pending, pending.undo_delete_many(row_ids), order, text))
            .success(lambda places: self._restored([p.row for p in places], places))
            .failure(self._change_failed)
            .run()
        )

    def _change_failed(self, error: BaseException) -> None:
        self.undoing = self.deleting = None
        self.buttons["delete"].setEnabled(True)
        self._show_summary()
        if not isinstance(error, KnownError):
            raise error
        self.said.emit(error.message, True)

    def _restored(self, rows: list[RowView], places: list[Place] | None = None) -> None:
        self.undoing = None
        self.deleted_ids = []
        for at, row in enumerate(rows):
            self.model.row_added(row, places[at] if places else None)
        self._show_summary()
        self._select([row.id for row in rows])
        names = "、".join(row.values.get("name", "") for row in rows[:3])
        more = f"等 {len(rows)} 条" if len(rows) > 3 else ""
        self.said.emit(f"已恢复：{names}{more}", False)
        self.rows_changed.emit([], rows)
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
        self.deleted_ids = []
        self.refresh()
        self.said.emit(f"已提交 {count} 条；联网后自动上传，可在查询中查看审核状态。", False)
        self.submitted.emit(dialog.outbox_id)
        self.changed.emit()
