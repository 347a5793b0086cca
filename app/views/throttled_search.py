"""A search run as the clerk types: throttled, off the UI thread, stale answers dropped.

`request(text)` as often as the text changes. At most one search runs at a time and at most one
starts per interval (150 ms), always for the newest text; an answer for text that has changed
since it was asked is dropped, so a slow answer never overwrites a newer one. (qutebrowser's
`misc/throttle.py` is the model; the work itself goes through `ops.Op`.)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from app.views.ops import Op

logger = logging.getLogger(__name__)

THROTTLE_MS = 150


class ThrottledSearch(QObject):
    """Runs `search(text)` on a worker for the newest requested text; `answered(text, result)`."""

    answered = Signal(str, object)

    def __init__(
        self, search: Callable[[str], Any], parent: QWidget, interval_ms: int = THROTTLE_MS
    ) -> None:
        super().__init__(parent)
        self._search = search
        self._widget = parent
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._start)
        self._wanted: str | None = None
        self._asked = 0  # bumped by every request and cancel: an answer to an older one is stale
        self._running = False

    def request(self, text: str) -> None:
        """Search for `text` soon (the newest text wins)."""
        self._wanted = text
        self._asked += 1
        if not self._running and not self._timer.isActive():
            self._timer.start()

    def cancel(self) -> None:
        """Drop what was asked: nothing still pending or running will be answered."""
        self._wanted = None
        self._asked += 1
        self._timer.stop()

    def busy(self) -> bool:
        """A search is waiting for its turn or running."""
        return self._running or self._timer.isActive()

    def _start(self) -> None:
        if self._wanted is None or self._running:
            return
        text, asked = self._wanted, self._asked
        self._running = True
        search = self._search  # the worker gets the search and the text, never this object
        Op(self._widget, lambda _ctx: search(text)).success(
            lambda result: self._done(asked, text, result)
        ).failure(lambda error: self._failed(asked, error)).run()

    def _done(self, asked: int, text: str, result: Any) -> None:
        self._running = False
        if asked == self._asked:
            self._wanted = None
            self.answered.emit(text, result)
        elif self._wanted is not None:
            self._timer.start()  # the text changed meanwhile: its search, in its turn

    def _failed(self, asked: int, error: BaseException) -> None:
        # Known trouble (the database busy or gone): no suggestions this time, typing goes on.
        self._running = False
        logger.warning("suggestions failed: %s", error)
        if asked == self._asked:
            self._wanted = None
        elif self._wanted is not None:
            self._timer.start()
