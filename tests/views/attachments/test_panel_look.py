"""The panel's look comes from resources/style/app.qss: widgets only state what they are."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

import app.views.attachments as attachments_views
from app.views.attachments import AttachmentPanel

ROOT = Path(__file__).resolve().parents[3]
RED, GREEN, GREY = QColor("#c62828"), QColor("#2e7d32"), QColor("#757575")


def text_colour(widget: QWidget) -> QColor:
    return widget.palette().color(QPalette.ColorRole.WindowText)


def styled(panel: AttachmentPanel) -> AttachmentPanel:
    """The panel under the client's style sheet, as the window applies it at start."""
    panel.setStyleSheet((ROOT / "resources" / "style" / "app.qss").read_text(encoding="utf-8"))
    return panel


def test_no_inline_style_sheets_in_the_panel() -> None:
    folder = Path(attachments_views.__file__).parent
    inline = [p.name for p in folder.glob("*.py") if "setStyleSheet" in p.read_text("utf-8")]
    assert inline == []


def test_required_marks_and_messages_take_their_colours_from_the_style_sheet(
    qtbot: QtBot, panel: AttachmentPanel, tmp_path: Path
) -> None:
    styled(panel)
    marks = {row.material.name: row.mark for row in panel.rows.values()}
    assert text_colour(marks["身份证复印件"]) == RED  # 必传
    assert text_colour(marks["劳动合同"]) == GREY  # 选传

    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 40)
    panel.add_files("身份证复印件", [broken])
    qtbot.waitUntil(lambda: not panel.busy(), timeout=30_000)
    assert "已损坏" in panel.message.text()
    assert text_colour(panel.message) == RED

    Image.new("RGB", (200, 100), "white").save(tmp_path / "good.png")
    panel.add_files("身份证复印件", [tmp_path / "good.png"])
    qtbot.waitUntil(lambda: not panel.busy(), timeout=30_000)
    assert "已添加 1 页" in panel.message.text()
    assert text_colour(panel.message) == GREEN  # the same label, re-styled for its new state
