"""缴存基数调整: export → edit in Excel/WPS → import → 差异核对 → 全部提交.

全部提交 stays disabled until the difference review of the list as imported has been opened:
the clerk sees old against new for everyone before anything goes to the centre.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import KnownError
from app.services.adjustments.export import ExportResult
from app.services.adjustments.importer import AdjustmentImport
from app.services.adjustments.review import DifferenceReview
from app.services.adjustments.service import BaseChangeService
from app.services.attachments import AttachmentService
from app.services.businesses.ratio_change import STATES_SENTENCE, lowering_sentence
from app.services.policy import CentrePolicy
from app.services.scanning import Scanner
from app.views.adjustments.review_dialog import DifferenceDialog
from app.views.business.pending_page import PendingPage
from app.views.business.submit_dialog import SubmitDialog
from app.views.file_dialogs import get_open_file_name, get_save_file_name
from app.views.looks import set_role, set_state
from app.views.ops import Op, OpContext

HINT = (
    "先导出缴存职工数据，在 Excel 或 WPS 中每行填写“调整后缴存基数”或“调整后月缴存额”其中之一"
    "（都不填则基数不变），再导入；核对差异后全部提交。"
)
FILES = "表格文件 (*.xlsx *.xls *.csv)"


class BaseChangePage(QWidget):
    submitted = Signal(int)  # the outbox item's id

    def __init__(
        self,
        service: BaseChangeService,
        attachments: AttachmentService,
        policy: Callable[[], CentrePolicy],
        scanner: Scanner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service, self.attachments, self.policy, self.scanner = (
            service,
            attachments,
            policy,
            scanner,
        )
        self.reviewed = False
        self.rows = 0
        self.review_dialog: DifferenceDialog | None = None
        self.submit_dialog: SubmitDialog | None = None
        self.working: Op[object] | None = None
        layout = QVBoxLayout(self)
        title = QLabel("缴存基数调整")
        set_role(title, "page-title")
        self.ratios = QLabel()
        hint = QLabel(f"{HINT}\n缴存比例调整{STATES_SENTENCE}")
        hint.setWordWrap(True)
        self.count = QLabel()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.buttons = {
            "export": QPushButton("导出缴存职工数据…"),
            "import": QPushButton("导入调整文件…"),
            "review": QPushButton("差异核对"),
            "submit": QPushButton("全部提交"),
        }
        self.buttons["export"].clicked.connect(self._choose_export)
        self.buttons["import"].clicked.connect(self._choose_import)
        self.buttons["review"].clicked.connect(self.open_review)
        self.buttons["submit"].clicked.connect(self.submit)
        row = QHBoxLayout()
        for button in self.buttons.values():
            row.addWidget(button)
        row.addStretch(1)
        for widget in (title, self.ratios, hint, self.count):
            layout.addWidget(widget)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.refresh()

    # --- state -----------------------------------------------------------------------------
    def refresh(self, rows: int | None = None) -> None:
        """The ratios and the list's count (`rows` when the work just done knows it: counting
        100,000 rows is a moment the window would stall for)."""
        try:
            self.ratios.setText(f"调整后适用：{self.service.ratios().describe()}")
            set_state(self.ratios, "info")
        except KnownError as exc:
            self.ratios.setText(exc.message)
            set_state(self.ratios, "error")
        self.rows = self.service.row_count() if rows is None else rows
        self.count.setText(f"{self.service.pending.spec.list_name}：{self.rows} 人")
        self._enable()

    def _enable(self) -> None:
        busy = self.working is not None
        for key in ("export", "import"):
            self.buttons[key].setEnabled(not busy)
        self.buttons["review"].setEnabled(not busy and self.rows > 0)
        ready = not busy and self.rows > 0 and self.reviewed
        self.buttons["submit"].setEnabled(ready)
        self.buttons["submit"].setToolTip("" if ready else "请先导入调整文件并打开差异核对")

    def _say(self, text: str, state: str) -> None:
        self.message.setText(text)
        set_state(self.message, state)

    def _run(self, fn: Callable[[OpContext], object], label: str | None) -> Op[object]:
        op: Op[object] = Op(self, fn)
        if label:
            op.with_progress(label)
        self.working = op
        self._enable()
        return op

    def _done(self, rows: int | None = None) -> None:
        self.working = None
        self.refresh(rows)

    def _failed(self, error: BaseException) -> None:
        self._done()
        self._say(error.message if isinstance(error, KnownError) else str(error), "error")

    # --- actions ---------------------------------------------------------------------------
    def _choose_export(self) -> None:
        path, _ = get_save_file_name(
            self, "导出缴存职工数据", "缴存职工数据.xlsx", "Excel (*.xlsx)", purpose="adjust"
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> Op[object]:
        def exported(result: object) -> None:
            self._done()
            assert isinstance(result, ExportResult)
            self._say(f"已导出 {result.count} 名缴存职工：{result.path}", "ok")

        op = self._run(lambda ctx: self.service.export(path), "正在导出…")
        return op.success(exported).failure(self._failed).run()

    def _choose_import(self) -> None:
        path, _ = get_open_file_name(self, "导入调整文件", "", FILES, purpose="adjust")
        if path:
            self.import_from(Path(path))

    def import_from(self, path: Path) -> Op[object]:
        def work(ctx: OpContext) -> AdjustmentImport:
            return self.service.import_file(
                path, progress=ctx.report, cancelled=lambda: ctx.cancelled
            )

        def imported(result: object) -> None:
            assert isinstance(result, AdjustmentImport)
            self.reviewed = False
            self._done(len(result.rows))  # the file replaced the list
            extra = (
                f"；{len(result.strangers)} 人不在本单位花名册，未导入" if result.strangers else ""
            )
            self._say(
                f"已导入 {len(result.rows)} 人{extra}。请打开差异核对，确认后再全部提交。", "ok"
            )

        op = self._run(work, "正在导入…")
        return op.success(imported).failure(self._failed).run()

    def open_review(self) -> Op[object]:
        """The review is computed on a worker (100,000 rows), then shown; submit opens up."""

        def show(result: object) -> None:
            assert isinstance(result, DifferenceReview)
            self.working = None
            self.reviewed = True
            self.review_dialog = DifferenceDialog(result, self)
            self.review_dialog.open()
            self.refresh(len(result.rows))

        op = self._run(lambda ctx: self.service.review(), "正在计算差异…")
        return op.success(show).failure(self._failed).run()

    def submit(self) -> None:
        if not self.reviewed:
            self._say("请先打开差异核对，确认后再全部提交。", "error")
            return
        dialog = SubmitDialog(
            self.service.pending, self.attachments, self.policy(), self, scanner=self.scanner
        )
        dialog.accepted.connect(lambda: self._submitted(dialog))
        self.submit_dialog = dialog
        dialog.open()

    def _submitted(self, dialog: SubmitDialog) -> None:
        self.reviewed = False
        self.refresh()
        if dialog.outbox_id is not None:
            self._say(f"已提交（提交编号 {dialog.outbox_id}）；联网后自动上传。", "ok")
            self.submitted.emit(dialog.outbox_id)


def with_states_sentence(page: QWidget) -> QWidget:
    """缴存比例调整's page: the engine's 清册 page under the sentence saying when ratios apply."""
    if not isinstance(page, PendingPage):
        return page  # no unit yet: the page says what to do first
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    lowering = lowering_sentence(page.policy())
    sentence = QLabel(f"缴存比例调整{STATES_SENTENCE}{lowering}")
    sentence.setObjectName("ratioStates")
    sentence.setWordWrap(True)
    set_state(sentence, "info")
    own = page.layout()
    if isinstance(own, QBoxLayout):  # under the page's title, as on 缴存比例调整查询
        own.insertWidget(1, sentence)
    else:
        layout.addWidget(sentence)
    layout.addWidget(page, 1)
    holder.pending_page = page  # type: ignore[attr-defined]
    return holder
