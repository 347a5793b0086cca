"""The 核定单 laid out by Qt: a PDF on A4 (QtGui only, so the command line can use it offscreen)
and the print preview window (Qt's own, with the real printer dialog)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import (
    QFont,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPdfWriter,
    QTextDocument,
)

FONT_FAMILIES = ["WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", "SimSun"]
# QTextDocument.print_ keeps its own 2 cm margin inside the page: the device adds none.
MARGINS_MM = QMarginsF(0, 0, 0, 0)


def text_document(html_text: str) -> QTextDocument:
    document = QTextDocument()
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSizeF(10)
    document.setDefaultFont(font)
    document.setHtml(html_text)
    return document


def _a4(device: QPagedPaintDevice) -> None:
    device.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    device.setPageMargins(MARGINS_MM, QPageLayout.Unit.Millimeter)


def write_pdf(html_text: str, path: str | Path, title: str) -> Path:
    """The document on A4 pages (as many as the people need) into `path`."""
    target = Path(path)
    writer = QPdfWriter(str(target))
    writer.setTitle(title)
    writer.setCreator("gjj-desk")
    writer.setResolution(300)
    _a4(writer)
    text_document(html_text).print_(writer)
    return target
