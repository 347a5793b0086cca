"""打印预览: Qt's print preview of the 核定单 on A4, its 打印 button the system's printer dialog."""

from __future__ import annotations

from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from app.views.payments.printing import MARGINS_MM, text_document


class PreviewDialog(QPrintPreviewDialog):
    """The preview owns its printer (Qt's own) and keeps the laid-out document alive."""

    def __init__(self, html_text: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        printer = self.printer()
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setPageMargins(MARGINS_MM, QPageLayout.Unit.Millimeter)
        printer.setDocName(title)
        self.document: QTextDocument = text_document(html_text)
        self.setWindowTitle(f"打印预览 — {title}")
        self.paintRequested.connect(self.document.print_)
        self.resize(900, 700)


def preview_dialog(html_text: str, title: str, parent: QWidget | None = None) -> PreviewDialog:
    return PreviewDialog(html_text, title, parent)
