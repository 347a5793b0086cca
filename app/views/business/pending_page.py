"""A business's page: the entry form above, its pending list (清册) below, and 全部提交.

The form's buttons and message line sit below the scrolling fields, so error lines never push
them out of sight; the form pane is as tall as its fields need and the rest goes to the list.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.errors import KnownError
from app.services.attachments import AttachmentService
from app.services.engine.pending import PendingLists, RowInvalidError, RowView
from app.services.engine.rows import check_row
from app.services.engine.spec import FieldKind, RowContext
from app.services.policy import CentrePolicy
from app.services.roster import RosterService
from app.services.scanning import Scanner
from app.views.business.detail_dialog import RowDetailDialog
from app.views.business.form import BusinessForm
from app.views.business.latest_read import ListContext
from app.views.business.list_values import ListValuesBar
from app.views.business.pending_list import PendingListPanel
from app.views.business.pending_model import Place, save_and_place, save_row
from app.views.business.submit_dialog import SubmitDialog
from app.views.business.template_download import save_template
from app.views.idcard.action import CardReadAction
from app.views.looks import set_role, set_state
from app.views.ops import Op

ADD_TIP = "添加到{list_name}（Ctrl+Enter；在最后一项中按 Enter 也可添加）"
RATIOS_UNKNOWN = (
    "尚未取得本单位的缴存比例：登录中心服务器（“登录…”）后自动取得；"
    "也可点“添加更多信息”手工填写单位和个人缴存比例。"
)
LIST_MIN_HEIGHT = 200  # the list keeps a few rows in view however tall the form grows


class PendingPage(QWidget):
    """Form + 清册 for one business of the current unit."""

    submitted = Signal(int)  # the outbox item's id
    open_entry = Signal(str)  # the menu entry to show (批量导入… opens the batch page)

    def __init__(
        self,
        pending: PendingLists,
        attachments: AttachmentService,
        policy: Callable[[], CentrePolicy],
        parent: QWidget | None = None,
        scanner: Scanner | None = None,
        *,
        template_title: str | None = None,
        batch_entry: str | None = None,
        roster: RosterService | None = None,
    ) -> None:
        super().__init__(parent)
        self.pending = pending
        self.policy = policy
        self.spec = pending.spec
        self.template_title = template_title
        self.batch_entry = batch_entry
        self.editing: int | None = None  # the row being modified, if any
        self._context: RowContext | None = None
        self.context_read = ListContext(
            self, pending, lambda: self.list.model.big, self._got_context
        )
        self._marked = False  # the form shows the errors of a refused 添加
        self.saving: Op[Place] | None = None  # a 添加 on a worker (a big list)

        self.form = BusinessForm(self.spec, policy(), roster=roster)
        self.form.changed.connect(self._preview)
        self.form.submit_requested.connect(self.add_row)
        self.form.more_button.toggled.connect(lambda _shown: self.fit_form())
        self.list_values = ListValuesBar(pending, policy)
        self.list_values.saved.connect(self._list_changed)
        # Inside the 清册's frame: it sat between 添加 and the list, as if part of the form.
        self.list = PendingListPanel(
            pending, attachments, policy, scanner=scanner, above=self.list_values
        )
        self.list.said.connect(lambda text, error: self._say(text, error=error))
        self.list.modify_requested.connect(self._modify_row)
        self.list.deleted.connect(self._deleted)
        self.list.rows_changed.connect(self.context_read.rows_changed)
        self.list.submitted.connect(lambda _id: self._list_changed())
        self.list.submitted.connect(self.submitted)
        # The list's parts, under the names tests and other pages know them by.
        self.model, self.proxy, self.table = self.list.model, self.list.proxy, self.list.table
        self.buttons, self.summary = self.list.buttons, self.list.summary

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self._build_form_pane())
        self.splitter.addWidget(self.list)
        self.splitter.setStretchFactor(0, 0)  # a taller window gives its space to the list
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_title_row())
        layout.addWidget(self.splitter)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.add_row)
        QShortcut(QKeySequence("Ctrl+Enter"), self, self.add_row)
        self.refresh()

    def _build_title_row(self) -> QHBoxLayout:
        """The page's name, and (as in the manual) the template download and batch import."""
        title = QLabel(self.spec.name)
        title.setObjectName("pageTitle")
        set_role(title, "heading")
        row = QHBoxLayout()
        row.addWidget(title)
        row.addStretch(1)
        self.template_button: QPushButton | None = None
        if self.template_title:
            self.template_button = QPushButton(f"{self.template_title}下载")
            self.template_button.setObjectName("templateButton")
            self.template_button.setToolTip("下载后用 Excel 或 WPS 填写，红色表头为必填项")
            self.template_button.clicked.connect(lambda: self.save_template())
            row.addWidget(self.template_button)
        if self.batch_entry:
            batch = QPushButton("批量导入…")
            batch.setObjectName("batchImportLink")
            batch.setToolTip("导入填好的模版，导入的记录进入下面同一个清册")
            batch.clicked.connect(lambda: self.open_entry.emit(self.batch_entry))
            row.addWidget(batch)
        return row

    def save_template(self, path: str | None = None) -> None:
        """身份证批量开户模版下载 beside the form; `path` skips the file dialog (tests)."""
        said = save_template(self, self.spec, self.policy(), self.template_title or "", path)
        if said is not None:
            self._say(said[0], error=said[1])

    def _build_form_pane(self) -> QWidget:
        self.add_button = QPushButton("添加")
        self.add_button.setObjectName("addButton")
        self.add_button.setDefault(True)  # Enter on the focused button adds
        self.add_button.setToolTip(ADD_TIP.format(list_name=self.spec.list_name))
        self.add_button.clicked.connect(self.add_row)
        self.cancel_edit_button = QPushButton("取消修改")
        self.cancel_edit_button.clicked.connect(self.cancel_edit)
        self.cancel_edit_button.hide()
        self.clear_button = QPushButton("清空")
        self.clear_button.clicked.connect(self.reset_form)
        self.message = QLabel()
        self.message.setObjectName("formMessage")
        self.message.setWordWrap(True)
        self.notice = QLabel(RATIOS_UNKNOWN)
        self.notice.setObjectName("formNotice")
        self.notice.setWordWrap(True)
        set_state(self.notice, "warning")
        self.notice.hide()
        self.form_scroll = QScrollArea()
        self.form_scroll.setObjectName("formScroll")
        self.form_scroll.setWidgetResizable(True)
        self.form_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.form_scroll.setWidget(self.form)
        self.form_scroll.viewport().installEventFilter(self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        self.card_reader: CardReadAction | None = None
        if {"name", "id_number"} <= self.form.editors.keys():  # a form about one person's card
            self.card_reader = CardReadAction(self, self.form)
            self.card_reader.said.connect(lambda text, error: self._say(text, error=error))
            buttons.addWidget(self.card_reader.button)
            buttons.addWidget(self.card_reader.confirm_button)
            buttons.addWidget(self.card_reader.compare_button)
            buttons.addWidget(self.card_reader.cancel_button)
            self.list.submit_opened.connect(self._read_cards_of)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.cancel_edit_button)
        buttons.addWidget(self.add_button)
        pane = QWidget()
        pane.setObjectName("formPane")
        pane.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        pane_layout = QVBoxLayout(pane)
        pane_layout.setContentsMargins(0, 0, 0, 0)
        pane_layout.addWidget(self.notice)
        pane_layout.addWidget(self.form_scroll, 1)
        pane_layout.addLayout(buttons)
        self.form_pane, self.form_pane_layout = pane, pane_layout
        return pane

    # --- sizing -----------------------------------------------------------------------------
    def fit_form(self) -> None:
        """Give the form pane what its fields need now (errors included), the list the rest."""
        QTimer.singleShot(0, self, self._fit_form_now)  # after the layouts have taken the change in

    def _fit_form_now(self, *, grow_only: bool = False) -> None:
        total = sum(self.splitter.sizes())
        if total <= 0:
            return
        chrome = self.form_pane_layout.sizeHint().height() - self.form_scroll.sizeHint().height()
        wanted = self.form.sizeHint().height() + chrome + 2
        form_height = max(min(wanted, total - LIST_MIN_HEIGHT), chrome + 60)
        if grow_only and form_height <= self.splitter.sizes()[0]:
            return  # a taller window grows a scrolled form, and gives the rest to the list
        self.splitter.setSizes([form_height, total - form_height])

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        QTimer.singleShot(0, self, lambda: self._fit_form_now(grow_only=True))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize and watched is self.form_scroll.viewport():
            columns = self.form.columns
            self.form.fit_width(self.form_scroll.viewport().width())
            if self.form.columns != columns:
                self.fit_form()
        return super().eventFilter(watched, event)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self.fit_form()

    # --- the list ---------------------------------------------------------------------------
    def refresh(self) -> None:
        self.list.refresh()
        self.list_values.load()
        self._list_changed()

    def _list_changed(self) -> None:
        """The rules' context again: on a worker for a big list (issue 12)."""
        self.context_read.read()

    def _got_context(self, context: RowContext) -> None:
        self._context = context
        unit = context.unit
        asks_ratios = any(f.kind is FieldKind.RATIO and not f.derived for f in self.spec.fields)
        unknown = unit.unit_ratio is None or unit.personal_ratio is None
        self.notice.setVisible(asks_ratios and unknown)

    def _read_cards_of(self, dialog: SubmitDialog) -> None:
        if self.card_reader is not None:  # pages for 身份证复印件 fill the form (issue 16)
            self.card_reader.watch_submit_dialog(dialog)

    def _deleted(self, row_id: int) -> None:
        if self.editing == row_id:
            self.reset_form(keep_message=True)

    # --- the form ---------------------------------------------------------------------------
    def _preview(self) -> None:
        """Derived fields follow the input live (no database round trip per keystroke).

        Marks left by a refused 添加 are checked again too, so a corrected field loses its mark.
        """
        if self._context is None:
            return
        result = check_row(self.spec, self.form.values(), self._context, row_id=self.editing)
        self.form.show_derived(result.values)
        if self._marked:
            before = self.form.sizeHint().height()
            remaining = self.form.recheck(result.errors)
            if remaining:
                self._say(f"有 {remaining} 处需要修改，见各项旁的提示。", error=True)
            else:
                self._marked = False
                self._say("已改正，可以添加了。")
            if self.form.sizeHint().height() != before:  # a mark came or went: refit once
                self.fit_form()

    def _say(self, text: str, *, error: bool = False) -> None:
        set_state(self.message, "error" if error else "ok")
        self.message.setText(text)

    def _show_errors(self, errors: dict[str, str]) -> None:
        self.form.show_errors(errors)
        self._marked = bool(errors)
        self.fit_form()

    def add_row(self) -> None:
        """添加 (or 保存修改 while modifying): check, store, and clear the form.

        On a big list the service's checks read the list's keys, so they run on a worker;
        the form waits, disabled, so nothing typed meanwhile is cleared with it.
        """
        if self.saving is not None:
            return
        pending, editing, values = self.pending, self.editing, self.form.values()
        if not self.list.model.big:
            try:
                row = save_row(pending, editing, values)
            except KnownError as error:
                self._save_failed(error)
                return
            self._saved(editing, row)
            return
        self.form_pane.setEnabled(False)
        where = self.list.model.where  # where the row goes is read on the worker too
        self.saving = (
            Op(self, lambda _ctx: save_and_place(pending, editing, values, where))
            .success(lambda place: self._saved(editing, place.row, place))
            .failure(self._save_failed)
            .run()
        )

    def _saved(self, editing: int | None, row: RowView, place: Place | None = None) -> None:
        self._done_saving()
        name = row.values.get("name", "")
        before = self.list.modifying  # the row as it was, if it is the one handed out
        if editing is None:
            self.list.row_added(row, place)  # that row alone: a big list is not read again
            self._say(f"已添加到{self.spec.list_name}：{name}")
            self.context_read.rows_changed([], [row])
        else:
            self.list.row_saved(row, place)
            self._say(f"已保存修改：{name}")
            self.context_read.row_modified(before, row)
        self.reset_form(keep_message=True)

    def _save_failed(self, error: BaseException) -> None:
        self._done_saving()
        if isinstance(error, RowInvalidError):
            self._show_errors(error.errors)
            self._say(f"有 {len(error.errors)} 处需要修改，见各项旁的提示。", error=True)
        elif isinstance(error, KnownError):
            self._say(error.message, error=True)
        else:
            raise error

    def _done_saving(self) -> None:
        self.saving = None
        self.form_pane.setEnabled(True)

    def reset_form(self, *, keep_message: bool = False) -> None:
        self.form.clear()
        if self.card_reader is not None:
            self.card_reader.clear_marks()
        self._marked = False
        self.editing = None
        self.add_button.setText("添加")
        self.cancel_edit_button.hide()
        if not keep_message:
            self.message.clear()
        self.fit_form()

    def cancel_edit(self) -> None:
        self.reset_form()

    # --- list actions (the list widget does them; these names are the page's API) -----------
    @property
    def last_deleted(self) -> int | None:
        return self.list.last_deleted

    @property
    def submit_dialog(self) -> SubmitDialog | None:
        return self.list.submit_dialog

    @property
    def checking(self) -> Op[list[RowView]] | None:
        return self.list.checking

    @property
    def detail_dialog(self) -> RowDetailDialog | None:
        return self.list.detail_dialog

    def selected_row_id(self) -> int | None:
        return self.list.selected_row_id()

    def browse(self) -> None:
        self.list.browse()

    def modify(self) -> None:
        self.list.modify()

    def delete(self) -> None:
        self.list.delete()

    def undo_delete(self) -> None:
        self.list.undo_delete()

    def submit_all(self) -> Op[list[RowView]] | None:
        return self.list.submit_all()

    def _modify_row(self, row: RowView) -> None:
        self.form.set_values(row.values)
        self._show_errors(row.errors)
        self.editing = row.id
        self.add_button.setText("保存修改")
        self.cancel_edit_button.show()
        self._say("正在修改：{}".format(row.values.get("name", "")))
