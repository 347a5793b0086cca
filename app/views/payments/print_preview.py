"""打印预览: Qt's print preview of the 核定单 on A4, its 打印 button the system's printer dialog."""

from __future__ import annotations

from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from app.views.payments.printing import MARGINS_MM, text_document


def preview_dialog(
    html_text: str, title: str, parent: QWidget | None = None
) -> QPrintPreviewDialog:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageMargins(MARGINS_MM, QPageLayout.Unit.Millimeter)
    printer.setDocName(title)
    document = text_document(html_text)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(f"打印预览 — {title}")
    dialog.paintRequested.connect(document.print_)
    dialog.document = document  # type: ignore[attr-defined]  # kept alive with the dialog
    dialog.resize(900, 700)
    return dialog
