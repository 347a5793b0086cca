"""本机影像资料: which scanned originals this PC keeps, and the day each will be cleaned up."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.attachments import DEFAULT_KEEP_DAYS, AttachmentService
from app.services.documents import human_size
from app.services.policy import BUSINESS_NAMES

COLUMNS = ("业务", "材料", "状态", "占用空间", "清理日期")


class OriginalsDialog(QDialog):
    def __init__(self, attachments: AttachmentService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("本机影像资料")
        kept = attachments.kept_originals(attachments.accepted_submissions())
        intro = QLabel(
            "扫描件和添加的文件保存在本机，直到中心审核通过；"
            f"通过 {DEFAULT_KEEP_DAYS} 天后自动清理。"
            "未提交、待上传和待审核的资料不会被清理。"
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(kept), len(COLUMNS))
        self.table.setObjectName("originalsTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, item in enumerate(kept):
            due = item.delete_on.isoformat() if item.delete_on else "审核通过后计算"
            cells = (
                BUSINESS_NAMES.get(item.business, item.business),
                item.material,
                item.state,
                human_size(item.bytes_on_disk),
                due if item.state != "已清理" else "—",
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        total = sum(item.bytes_on_disk for item in kept)
        # human_size never says 0 KB: with nothing kept it read "共 0 份材料，占用 1 KB".
        summary = QLabel(
            f"共 {len(kept)} 份材料，占用 {human_size(total)}"
            if kept
            else "本机目前没有保存的材料。"
        )
        summary.setObjectName("originalsSummary")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(summary)
        layout.addWidget(buttons)
        self.resize(640, 360)
