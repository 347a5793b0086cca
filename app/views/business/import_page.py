"""个人开户（批量） and its kind: download the template, check a file, choose what to import.

Checking and importing run in the background (`Op`) with a progress bar and 取消 on the page,
so the window stays responsive on a 100,000-row file. Imported rows land in the same pending
list as the single-entry page's; the list below is the same widget there and here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.errors import Cancelled, KnownError
from app.services.attachments import AttachmentService
from app.services.engine.pending import PendingLists, RowView
from app.services.import_session import ImportSession, Verdict
from app.services.policy import CentrePolicy
from app.services.roster import RosterService
from app.services.scanning import Scanner
from app.views import file_dialogs
from app.views.business.detail_dialog import RowEditDialog
from app.views.business.import_report import ImportReport
from app.views.business.list_values import ListValuesBar
from app.views.business.pending_list import PendingListPanel
from app.views.business.template_download import save_template
from app.views.looks import set_role
from app.views.messages import MessageLine
from app.views.operations import imports as operations
from app.views.ops import Op

logger = logging.getLogger(__name__)

LIST_MIN_HEIGHT = 200  # the 清册 keeps a few rows in view
T = TypeVar("T")
V = TypeVar("V")
FILE_FILTER = "表格文件 (*.xlsx *.xls *.ods *.csv *.txt);;所有文件 (*)"


class ImportPage(QWidget):
    """Batch import of one business for the current unit."""

    validated = Signal(object)  # the ImportCheck, or None when the clerk cancelled
    imported = Signal(int)  # rows added to the pending list
    failed = Signal(str)  # a Chinese message already shown on the page
    list_changed = Signal()  # rows modified, deleted, restored or submitted from this page
    submitted = Signal(int)  # the outbox item's id, after 全部提交 from this page

    def __init__(
        self,
        pending: PendingLists,
        policy: Callable[[], CentrePolicy],
        *,
        template_title: str | None = None,
        attachments: AttachmentService | None = None,
        scanner: Scanner | None = None,
        roster: RosterService | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.pending = pending
        self.roster = roster  # the 修改 dialog's person lookup
        self.policy = policy
        self.spec = pending.spec
        self.session = ImportSession(pending)  # the checked file waits there, not here
        self.template_title = template_title or f"{self.spec.name}批量导入模版"
        self.op: Op[Any] | None = None
        self.dialog: QFileDialog | None = None
        self.edit_dialog: RowEditDialog | None = None

        title = QLabel(f"{self.spec.name}（批量）")
        set_role(title, "heading")
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        for box in (self._build_template_box(), self._build_file_box()):
            # The steps take the height their wrapped text needs; the report gets the rest.
            box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
            top_layout.addWidget(box)
        self.report = ImportReport()
        self.report.hide()
        self.report.export_requested.connect(lambda: self.export_report())
        self.report.import_all_requested.connect(lambda: self.import_rows(valid_only=False))
        self.report.import_valid_requested.connect(lambda: self.import_rows(valid_only=True))
        self.report.cancel_requested.connect(self.discard)
        top_layout.addWidget(self.report, 1)
        top_layout.addStretch(0)
        scroll = QScrollArea()  # on a small or scaled screen the steps scroll, never clip
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(top)
        self.splitter.addWidget(scroll)
        self.steps = top
        self.splitter.addWidget(self._build_list(attachments, scanner))
        if self.spec.code == "open-account":  # a stack of ID cards into the 清册 (issue 16)
            from app.views.idcard.stack_action import CardStackAction

            self.card_stack = CardStackAction(
                self, pending, self.list.attachments, scanner=self.list.scanner
            )
            self.card_stack.said.connect(lambda text, error: self.status.say(text, error=error))
            self.card_stack.added.connect(lambda _count: self.list.refresh())
            self.card_stack.added.connect(self.imported)
            top_layout.insertWidget(2, self.card_stack.box)
            QWidget.setTabOrder(self.import_button, self.card_stack.button)  # as on screen
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.splitter)
        self.list.refresh()

    # --- building ---------------------------------------------------------------------------
    def _build_template_box(self) -> QGroupBox:
        box = QGroupBox("第一步：下载模版并填写")
        self.template_button = QPushButton(f"{self.template_title}下载")
        self.template_button.setObjectName("templateButton")
        self.template_button.clicked.connect(lambda: self.save_template())
        hint = QLabel(
            "用 Excel 或 WPS 填写：红色表头为必填项，证件号码列保持文本格式。"
            "可以导入 .xlsx、.xls、.ods 和 .csv 文件。"
        )
        hint.setWordWrap(True)
        row = QHBoxLayout(box)
        row.addWidget(self.template_button)
        row.addWidget(hint, 1)
        return box

    def _build_file_box(self) -> QGroupBox:
        box = QGroupBox("第二步：选择文件并导入")
        self.file_edit = QLineEdit()
        self.file_edit.setObjectName("importFile")
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText("尚未选择文件")
        self.choose_button = QPushButton("选择文件…")
        self.choose_button.clicked.connect(self.choose_file)
        self.import_button = QPushButton("批量导入")
        self.import_button.setObjectName("batchImportButton")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.start_validation)
        self.progress = QProgressBar()
        self.progress.setObjectName("importProgress")
        self.progress.hide()
        self.stop_button = QPushButton("取消")
        self.stop_button.setObjectName("stopButton")
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.hide()
        self.status = MessageLine("importStatus")
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.choose_button)
        file_row.addWidget(self.import_button)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.stop_button)
        layout = QVBoxLayout(box)
        layout.addLayout(file_row)
        layout.addLayout(progress_row)
        layout.addWidget(self.status)
        return box

    def _build_list(
        self, attachments: AttachmentService | None, scanner: Scanner | None
    ) -> PendingListPanel:
        """The same 清册 widget as the single page's: browse, modify, delete and submit here too."""
        if attachments is None:
            attachments = AttachmentService(self.pending.store, self.pending.unit_id)
        # The whole list's values (封存原因…) here too, as on the single page (hidden if none):
        # a file's blank cells take them.
        self.list_values = ListValuesBar(self.pending, self.policy)
        self.list_values.saved.connect(self.list_changed)  # the single page reads them again
        panel = PendingListPanel(
            self.pending, attachments, self.policy, scanner=scanner, above=self.list_values
        )
        panel.said.connect(lambda text, error: self.status.say(text, error=error))
        panel.modify_requested.connect(self.modify_row)
        panel.changed.connect(self.list_changed)
        panel.submitted.connect(self.submitted)
        self.list = panel
        self.list_model, self.list_table, self.list_summary = (
            panel.model,
            panel.table,
            panel.summary,
        )
        return panel

    def modify_row(self, row: RowView) -> RowEditDialog:
        """修改 from the batch page: the row in a dialog with the same form as the single page."""
        dialog = RowEditDialog(self.pending, self.policy(), row, self, roster=self.roster)
        dialog.accepted.connect(lambda: self._modified(dialog))
        self.edit_dialog = dialog
        dialog.open()
        return dialog

    def _modified(self, dialog: RowEditDialog) -> None:
        if dialog.saved is not None:
            self.list.row_saved(dialog.saved)  # that row alone: a big list is not read again
        name = dialog.saved.values.get("name", "") if dialog.saved else ""
        self.status.say(f"已保存修改：{name}")
        self.list_changed.emit()

    def _show_report(self, shown: bool) -> None:
        self.report.setVisible(shown)
        self._fit_steps()
        # Again once the steps' layout has taken the change: measured at once, a hidden report
        # still counted, and its height stayed empty above the list.
        QTimer.singleShot(0, self, self._fit_steps)

    def _fit_steps(self, *, grow_only: bool = False) -> None:
        """The steps (and a checked file's report) get the room they need; the list the rest."""
        sizes = self.splitter.sizes()
        total = sum(sizes)
        if total <= 0:
            return
        wanted = max(self.steps.heightForWidth(self.steps.width()), self.steps.sizeHint().height())
        if self.report.isVisible():  # the clerk reads the report now: the list may shrink
            top = max(min(wanted, total - LIST_MIN_HEIGHT // 2), total * 3 // 5)
        else:
            top = min(wanted, total - LIST_MIN_HEIGHT)
        if not (grow_only and top <= sizes[0]):
            self.splitter.setSizes([top, total - top])

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)  # a narrower page wraps the hints onto more lines
        QTimer.singleShot(0, self, lambda: self._fit_steps(grow_only=True))

    # --- messages and state -------------------------------------------------------------------
    def _set_running(self, label: str | None) -> None:
        running = label is not None
        self.progress.setVisible(running)
        self.stop_button.setVisible(running)
        self.stop_button.setEnabled(running)
        self.choose_button.setEnabled(not running)
        self.import_button.setEnabled(not running and bool(self.file_edit.text()))
        self.template_button.setEnabled(not running)
        self.report.set_busy(running)
        if running:
            self.progress.setRange(0, 0)  # busy until the first report gives a total
            self.status.say(label or "")

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """The single-entry page may have changed the list meanwhile."""
        super().showEvent(event)
        if self.op is None:
            self.list.refresh()
        self.list_values.load()  # set on the single page meanwhile
        QTimer.singleShot(0, self, self._fit_steps)

    # --- template -----------------------------------------------------------------------------
    def save_template(self, path: str | None = None) -> None:
        """身份证批量开户模版下载; `path` skips the file dialog (tests, scripts)."""
        said = save_template(self, self.spec, self.policy(), self.template_title or "", path)
        if said is not None:
            self.status.say(said[0], error=said[1])

    # --- checking -----------------------------------------------------------------------------
    def choose_file(self) -> None:
        path, _ = file_dialogs.get_open_file_name(
            self, "选择要导入的文件", "", FILE_FILTER, purpose="batch-import"
        )
        if path:
            self.set_file(path)

    def set_file(self, path: str | Path) -> None:
        self.file_edit.setText(str(path))
        self.import_button.setEnabled(True)
        self._show_report(False)
        self.status.clear()

    def start_validation(self) -> None:
        """批量导入: read and check every row in the background; nothing is stored yet."""
        path = self.file_edit.text()
        if not path or self.op is not None:
            return
        self._show_report(False)
        self._run(operations.check_file(self, self.session, path), "正在读取文件…", self._validated)

    def _run(self, op: Op[T], label: str, done: Callable[[T], None]) -> None:
        op.success(self._alive(done)).failure(self._alive(self._failed))
        op.signals.progress.connect(self._progress)  # Qt drops it with the page
        self.destroyed.connect(op.ctx.cancel)
        self.op = op
        self._set_running(label)
        op.run()

    def _alive(self, callback: Callable[[V], None]) -> Callable[[V], None]:
        """The callback, unless the page is gone (the window drops pages on a unit switch)."""

        def call(value: V) -> None:
            if shiboken6.isValid(self):
                callback(value)

        return call

    def _progress(self, done: int, total: int, label: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        if label:
            self.status.setText(label)

    def stop(self) -> None:
        """取消 while checking: the worker stops at its next look at the flag."""
        if self.op is not None:
            self.op.ctx.cancel()
            self.stop_button.setEnabled(False)
            self.status.say("正在取消…")

    def _finish(self) -> None:
        self.op = None
        self._set_running(None)

    def _validated(self, verdict: Verdict) -> None:
        self._finish()
        self.report.show_verdict(verdict)
        self._show_report(True)
        self.status.say(verdict.message, error=verdict.error)
        self.validated.emit(verdict.check)

    def _failed(self, error: BaseException) -> None:
        self._finish()
        if isinstance(error, Cancelled):  # the one way a stopped check ends
            self.status.say("已取消，未导入任何记录。")
            self.validated.emit(None)
            return
        message = error.message if isinstance(error, KnownError) else str(error)
        self.status.say(message, error=True)
        self.failed.emit(message)

    # --- the clerk's choice ---------------------------------------------------------------------
    def export_report(self, path: str | None = None) -> None:
        """导出错误报告 (.xlsx) of the checked file; `path` skips the file dialog."""
        check = self.session.check
        if check is None or self.op is not None:
            return
        if path is None:
            path, _ = file_dialogs.get_save_file_name(
                self,
                "导出错误报告",
                f"{check.path.stem}-错误报告.xlsx",
                "Excel 工作簿 (*.xlsx)",
                purpose="error-report",
            )
            if not path:
                return
        self._run(
            operations.export_report(self, self.session, path), "正在导出错误报告…", self._exported
        )

    def _exported(self, saved: Path) -> None:
        self._finish()
        self.status.say(f"错误报告已保存：{saved}")

    def import_rows(self, *, valid_only: bool) -> None:
        """全部导入 / 仅导入正确的行: one transaction in the background."""
        if self.session.check is None or self.op is not None:
            return
        op = operations.import_rows(self, self.session, valid_only=valid_only)
        self._run(op, "正在导入…", self._imported)

    def _imported(self, added: list[RowView]) -> None:
        self._finish()
        count = len(added)
        self._show_report(False)
        self.list.refresh()
        self.status.say(f"已导入 {count} 行到{self.spec.list_name}。")
        self.imported.emit(count)

    def discard(self) -> None:
        """取消: forget the checked file; nothing was imported."""
        self._show_report(False)
        self.session.discard()
        self.status.say("已取消，未导入任何记录。")
