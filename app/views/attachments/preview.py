"""A large view of the selected page, turned as it will be in the PDF."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPixmap, QResizeEvent, QTransform
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from app.views.attachments.thumbnails import preview_path


class PagePreview(QLabel):
    """Shows one page scaled to fit; the hint text when there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pagePreview")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(QSize(260, 320))
        # Ignored: the scaled picture must not make the label ask for more room.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self._pixmap = QPixmap()
        self.page: Path | None = None
        self.show_page(None)

    def show_page(self, page: Path | None, rotation: int = 0) -> None:
        self.page = page
        pixmap = QPixmap()
        if page is not None:
            picture = preview_path(page)
            pixmap = QPixmap(str(picture if picture.exists() else page))
        if pixmap.isNull():
            self._pixmap = QPixmap()
            self.setPixmap(QPixmap())
            self.setText("选中缩略图后在此预览" if page is None else "该页无法预览（PDF 页面）")
            return
        if rotation:
            pixmap = pixmap.transformed(QTransform().rotate(rotation))
        self._pixmap = pixmap
        self.setText("")
        self._fit()

    def has_picture(self) -> bool:
        return not self._pixmap.isNull()

    def _fit(self) -> None:
        if self._pixmap.isNull():
            return
        size = self.size() - QSize(16, 16)
        self.setPixmap(
            self._pixmap.scaled(
                size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        )

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()
