"""Typing into Qt widgets from tests, Chinese included.

`qtbot.keyClicks` aborts the process on non-ASCII text (MACHINE-NOTES.md), so Chinese is committed
through an input-method event, the way a real IME delivers it.
"""

from __future__ import annotations

from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    widget.setFocus()
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)
