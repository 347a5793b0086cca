"""全部提交: attach the materials the policy asks for (根据页面提示), then queue the list.

The full scan-and-attach panel replaces the file picking here; the gate is the same: the submit
button stays disabled, with the reason shown, until every required material has pages.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import KnownError
from app.services.attachments import AttachmentService
from app.services.documents import human_size
from app.services.engine.pending import PendingLists
from app.services.policy import CentrePolicy
from app.views.ops import Op, OpContext

FILE_FILTER = "影像资料 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff *.bmp);;所有文件 (*)"


class SubmitDialog(QDialog):
    def __init__(
        self,
        pending: PendingLists,
        attachments: AttachmentService,
        policy: CentrePolicy,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.pending = pending
        self.attachments = attachments
        self.policy = policy
        self.list_id = pending.list_id()
        self.outbox_id: int | None = None
        self.materials = policy.materials_for(pending.spec.code)
        self.setWindowTitle(self.tr("全部提交 — 上传影像资料"))
        self.status: dict[str, QLabel] = {}
        grid = QGridLayout()
        for row, material in enumerate(self.materials):
            name = QLabel(material.name + (self.tr("（必传）") if material.required else ""))
            status = QLabel()
            status.setObjectName(f"status-{material.name}")
            button = QPushButton(self.tr("添加文件…"))
            button.setObjectName(f"add-{material.name}")
            button.clicked.connect(lambda _=False, m=material.name: self.choose_files(m))
            grid.addWidget(name, row, 0)
            grid.addWidget(status, row, 1)
            grid.addWidget(button, row, 2)
            self.status[material.name] = status
        if not self.materials:
            grid.addWidget(QLabel(self.tr("本业务无需上传影像资料。")), 0, 0)
        self.reason = QLabel()
        self.reason.setObjectName("submitReason")
        self.reason.setStyleSheet("color: #c62828;")
        self.reason.setWordWrap(True)
        self.submit_button = QPushButton(self.tr("提交"))
        self.submit_button.setObjectName("confirmSubmit")
        self.submit_button.clicked.connect(self.submit)
        cancel = QPushButton(self.tr("取消"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reason, 1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.submit_button)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("请根据提示上传影像资料，全部上传后点击“提交”。"))
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)
        self.refresh()

    def refresh(self) -> None:
        have = {a.material: a for a in self.attachments.for_list(self.list_id)}
        for name, label in self.status.items():
            doc = have.get(name)
            label.setText(
                self.tr("%d 页，%s") % (doc.page_count, human_size(doc.size))
                if doc
                else self.tr("未添加")
            )
        missing = self.pending.missing_materials()
        self.submit_button.setEnabled(not missing)
        self.reason.setText(self.tr("还需上传：%s") % "、".join(missing) if missing else "")

    def choose_files(self, material: str) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, material, "", FILE_FILTER)
        if files:
            self.add_files(material, [Path(f) for f in files])

    def add_files(self, material: str, files: list[Path]) -> Op[object]:
        """Make the material's PDF in the background; the dialog stays responsive."""

        def work(_ctx: OpContext) -> object:
            return self.attachments.add(
                self.pending.spec.code, self.list_id, material, files, self.policy
            )

        self.reason.setText(self.tr("正在处理“%s”…") % material)
        return (
            Op(self, work)
            .success(lambda _doc: self.refresh())
            .failure(self._failed)
            .with_progress(self.tr("正在生成 PDF…"))
            .run()
        )

    def _failed(self, error: BaseException) -> None:
        self.refresh()
        self.reason.setText(str(error))

    def submit(self) -> None:
        try:
            self.outbox_id = self.pending.submit()
        except KnownError as error:
            self.reason.setText(error.message)
            return
        self.accept()
