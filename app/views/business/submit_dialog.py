"""全部提交: attach the materials the policy asks for (根据页面提示), then queue the list.

The attachment panel does the scanning and the files; the gate is here: the submit button stays
disabled, with the reason shown, until every required material has its PDF.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.errors import KnownError
from app.services.attachments import AttachmentService
from app.services.engine.pending import PendingLists
from app.services.policy import CentrePolicy
from app.services.scanning import Scanner
from app.views.attachments import AttachmentPanel
from app.views.looks import set_state
from app.views.ops import Op

DIALOG_SIZE = QSize(1040, 700)


class SubmitDialog(QDialog):
    def __init__(
        self,
        pending: PendingLists,
        attachments: AttachmentService,
        policy: CentrePolicy,
        parent: QWidget | None = None,
        scanner: Scanner | None = None,
    ) -> None:
        super().__init__(parent)
        self.pending = pending
        self.attachments = attachments
        self.policy = policy
        self.list_id = pending.list_id()
        self.outbox_id: int | None = None
        self.submitting: Op[int] | None = None
        self.materials = policy.materials_for(pending.spec.code)
        self.setWindowTitle("全部提交 — 上传影像资料")
        self.panel = AttachmentPanel(
            attachments, pending.spec.code, self.list_id, policy, scanner, self
        )
        self.status: dict[str, QLabel] = self.panel.status_labels
        # 必传 as this list needs it: the policy's, and what the business adds for these rows.
        for name in pending.required_materials():
            row = self.panel.material_list.rows.get(name)
            if row is not None:
                row.set_required(True)
        self.reason = QLabel()
        self.reason.setObjectName("submitReason")
        set_state(self.reason, "error")
        self.reason.setWordWrap(True)
        self.submit_button = QPushButton("提交")
        self.submit_button.setObjectName("confirmSubmit")
        self.submit_button.clicked.connect(self.submit)
        cancel = QPushButton("取消")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reason, 1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.submit_button)
        layout = QVBoxLayout(self)
        self.intro = QLabel(
            "请根据提示上传影像资料（扫描、添加文件或拖入文件），全部上传后点击“提交”。"
        )
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        # On a small or scaled screen the panel scrolls; 提交 and 取消 stay in view.
        scroll = QScrollArea()
        scroll.setObjectName("panelScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.panel)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        if self.materials:
            self._fit_screen(parent)
        else:  # nothing to scan or attach (汇缴核定): a plain confirmation, no empty panel
            self.setWindowTitle(f"提交 — {pending.spec.name}")
            self.intro.setText(f"{pending.spec.name}无需上传影像资料。点击“提交”即提交给中心。")
            scroll.hide()
        self.panel.changed.connect(self.refresh)
        self.refresh()

    def _fit_screen(self, parent: QWidget | None) -> None:
        """1040×700 where there is room, never larger than the screen (1024×768 at 150 %)."""
        screen = (
            parent.screen() if parent is not None else None
        ) or QGuiApplication.primaryScreen()
        room = screen.availableGeometry()
        self.resize(
            min(DIALOG_SIZE.width(), room.width() - 24),
            min(DIALOG_SIZE.height(), room.height() - 48),
        )

    def refresh(self) -> None:
        missing = self.pending.missing_materials()
        busy = self.panel.busy()
        self.submit_button.setEnabled(not missing and not busy)
        if busy:
            self.reason.setText("正在处理影像资料，请稍候…")
        elif missing:
            problems = self.panel.problems()
            why = [f"{name}（{problems[name]}）" if name in problems else name for name in missing]
            self.reason.setText("还需上传：{}".format("、".join(why)))
        else:
            self.reason.setText("")

    def add_files(self, material: str, files: list[Path]) -> Op[Any]:
        """Add files to a material and make its PDF in the background."""
        return self.panel.add_files(material, files)

    def done(self, result: int) -> None:
        self.panel.cancel_scan()  # a feeder or watched folder must not run on unseen
        super().done(result)

    def submit(self) -> Op[int] | None:
        """Check every row again and queue the list, off the UI thread (100,000 rows: ~10 s)."""
        if self.panel.busy() or self.submitting is not None:
            return None
        self.submit_button.setEnabled(False)
        self.reason.setText("正在检查并提交…")

        def failed(error: BaseException) -> None:
            self.submitting = None
            self.submit_button.setEnabled(True)
            self.reason.setText(error.message if isinstance(error, KnownError) else str(error))

        def done(outbox_id: int) -> None:
            self.submitting = None
            self.outbox_id = outbox_id
            self.accept()

        pending = self.pending  # the worker gets the service, never the dialog
        self.submitting = (
            Op(self, lambda _ctx: pending.submit())
            .success(done)
            .failure(failed)
            .with_progress("正在检查清册并提交…")
            .run()
        )
        return self.submitting
