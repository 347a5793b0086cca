"""A read on a worker, one at a time, the latest asked for: a big 清册's rules' context.

A big 清册's rules' context (the keys of its 100,000 rows) is read on a worker when the page
opens or the list is submitted, and then kept up to date row by row (`ListContext`). Two such
reads at once on two workers took turns at the interpreter lock with the window's thread and
kept it waiting over 100 ms (stall probe, tests/views/business/test_big_pending_list.py).
Asked again while one runs, the read runs once more after it, so what arrives last is what
the list holds then.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtWidgets import QWidget

from app.services.engine.pending import PendingLists, RowView
from app.services.engine.row_context import keys_changed
from app.services.engine.spec import RowContext
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


class ListContext:
    """The rules' context a page checks typed rows against (the list's keys for duplicates).

    A small list's is read when asked. A big list's (100,000 keys) is read once on a worker
    when the page opens, then follows each row deleted, restored, added or modified
    (`rows_changed`): reading it again after every change kept the window waiting (issue 12).
    """

    def __init__(
        self,
        parent: QWidget,
        pending: PendingLists,
        big: Callable[[], bool],
        done: Callable[[RowContext], None],
    ) -> None:
        self.pending, self.big, self.done = pending, big, done
        self.current: RowContext | None = None
        self.reading = LatestRead(parent, pending.snapshot, self._got)

    def read(self) -> None:
        """All of it again (opened, submitted, the list's values saved)."""
        if self.big():
            self.reading.ask()
        else:
            self._got(self.pending.snapshot())

    def rows_changed(self, removed: list[RowView], added: list[RowView]) -> None:
        if not self.big():
            self.read()
        elif self.current is None or self.reading.running:
            self.reading.ask()  # a read under way may predate the change: read once more
        else:
            keys_changed(self.pending.spec, self.current, removed, added)

    def row_modified(self, before: RowView | None, after: RowView) -> None:
        """保存修改 of `after`; `before`, the row handed out to be modified, if it is that one
        (else its old key is not known here, and the whole context is read again)."""
        if before is not None and before.id == after.id:
            self.rows_changed([before], [after])
        else:
            self.read()

    def _got(self, context: RowContext) -> None:
        self.current = context
        self.done(context)
