"""A read on a worker, one at a time, the latest asked for: a big 清册's rules' context.

Each change of a big 清册 asks for the rules' context again (the keys of its 100,000 rows).
Two such reads at once on two workers took turns at the interpreter lock with the window's
thread and kept it waiting over 100 ms (stall probe, tests/views/business/
test_big_pending_list.py). Asked again while one runs, the read runs once more after it, so
what arrives last is what the list holds then.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtWidgets import QWidget

from app.views.ops import Op

T = TypeVar("T")
logger = logging.getLogger(__name__)


class LatestRead(Generic[T]):
    """`ask()` runs `read` on a worker unless one runs; `done` gets each result on the UI thread."""

    def __init__(self, parent: QWidget, read: Callable[[], T], done: Callable[[T], None]) -> None:
        self.parent = parent
        self.read = read
        self.done = done
        self.running = False
        self.again = False  # asked while running: read once more when it ends

    def ask(self) -> None:
        if self.running:
            self.again = True
            return
        self.running, self.again = True, False
        read = self.read
        Op(self.parent, lambda _ctx: read()).success(self._arrived).failure(self._ended).run()

    def _arrived(self, value: T) -> None:
        self.done(value)
        self._ended()

    def _ended(self, error: BaseException | None = None) -> None:
        if error is not None:  # the last context stays; the next change asks again
            logger.warning("reading the list's context failed: %s", error)
        self.running = False
        if self.again:
            self.ask()
