"""One way to tell the clerk something (qutebrowser's `utils/message.py` idea).

Two places say things: a page's own message line under its work (`MessageLine`), and the
window's status bar (`StatusMessages`, the one bridge every window-level part says through:
the sync, the backup menu, login and roster). Whether a message is an error is a dynamic
`state` property the style sheet colours (resources/style/app.qss), never an inline style.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from app.views.looks import set_state

SHORT_MS = 5_000
NORMAL_MS = 10_000
LONG_MS = 20_000


class MessageLine(QLabel):
    """A page's message line: the last thing said there, as an error or not."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWordWrap(True)

    def say(self, text: str, *, error: bool = False) -> None:
        set_state(self, "error" if error else "ok")
        self.setText(text)

    @property
    def is_error(self) -> bool:
        return self.property("state") == "error"


class StatusMessages(QObject):
    """The window's messages: anything says through `say`, the status bar shows it.

    `said(text, error)` lets a test (or a log) hear every message, however briefly shown.
    """

    said = Signal(str, bool)

    def __init__(self, bar: QStatusBar) -> None:
        super().__init__(bar)
        self.bar = bar
        self.last = ""

    def say(self, text: str, ms: int = NORMAL_MS, *, error: bool = False) -> None:
        self.last = text
        set_state(self.bar, "error" if error else "ok")
        self.bar.showMessage(text, ms)
        self.said.emit(text, error)
