"""One way to run work in the background (STYLE.md §4).

    Op(parent, fn).success(on_done).failure(on_error).with_progress("正在导入…").run()

`fn(ctx)` runs on a worker thread; it may call `ctx.report(done, total)` and should check
`ctx.cancelled` between steps, raising `app.errors.Cancelled` to stop (the one way: the
`failure` callback sees that class). Results and errors come back to the UI thread by signal.
A progress dialog appears only if the work lasts over half a second. `publishing(hub, what)`
tells every page what a successful run changed. Named operations live in app/views/operations/.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.errors import KnownError
from app.services.changes import Changes
from app.views.changes import ChangeHub

logger = logging.getLogger(__name__)
T = TypeVar("T")

_live: set[Op[Any]] = set()  # keeps running ops (and their signal objects) alive


class OpContext:
    """What the worker function sees: progress reporting and the cancel flag."""

    def __init__(self, signals: _Signals) -> None:
        self._signals = signals
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def report(self, done: int, total: int | None = None, label: str | None = None) -> None:
        self._signals.progress.emit(done, -1 if total is None else total, label or "")


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int, str)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[OpContext], Any], ctx: OpContext, signals: _Signals) -> None:
        super().__init__()
        self.fn, self.ctx, self.signals = fn, ctx, signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn(self.ctx)
        except BaseException as exc:  # noqa: BLE001 - every failure goes to the one error path
            self._emit(self.signals.failed, exc)
        else:
            self._emit(self.signals.finished, result)

    def _emit(self, signal: Any, value: object) -> None:
        # The widget that asked may be gone (window closed mid-work): then nobody is told.
        if shiboken6.isValid(self.signals):
            signal.emit(value)
        else:
            logger.info("background work finished after its window closed")


class Op(Generic[T]):
    """A piece of background work with callbacks on the UI thread."""

    def __init__(self, parent: QWidget | None, fn: Callable[[OpContext], T]) -> None:
        self.parent = parent
        self.fn = fn
        self.signals = _Signals()
        self.ctx = OpContext(self.signals)
        self._on_success: Callable[[T], None] | None = None
        self._on_failure: Callable[[BaseException], None] | None = None
        self._label: str | None = None
        self._dialog: QProgressDialog | None = None
        self._publish: tuple[ChangeHub, Callable[[T], Changes]] | None = None

    def success(self, callback: Callable[[T], None]) -> Op[T]:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> Op[T]:
        self._on_failure = callback
        return self

    def publishing(self, hub: ChangeHub, changes: Callable[[T], Changes]) -> Op[T]:
        """After success, publish what the result changed: every page refreshes itself."""
        self._publish = (hub, changes)
        return self

    def with_progress(self, label: str) -> Op[T]:
        self._label = label
        return self

    def run(self, pool: QThreadPool | None = None) -> Op[T]:
        self.signals.finished.connect(self._finished)
        self.signals.failed.connect(self._failed)
        if self._label is not None:
            dialog = QProgressDialog(self._label, "取消", 0, 0, self.parent)
            dialog.setWindowTitle("请稍候")
            dialog.setMinimumDuration(500)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            dialog.canceled.connect(self.ctx.cancel)
            self.signals.progress.connect(self._progress)
            self._dialog = dialog
        _live.add(self)
        (pool or QThreadPool.globalInstance()).start(_Runnable(self.fn, self.ctx, self.signals))
        return self

    @Slot(int, int, str)
    def _progress(self, done: int, total: int, label: str) -> None:
        if self._dialog is None:
            return
        if total >= 0:
            self._dialog.setMaximum(total)
            self._dialog.setValue(min(done, total))
        if label:
            self._dialog.setLabelText(label)

    def _close(self) -> None:
        # The dialog dies with its parent: a page closed mid-work has taken it along already.
        if self._dialog is not None and shiboken6.isValid(self._dialog):
            self._dialog.close()
            self._dialog.deleteLater()
        self._dialog = None
        _live.discard(self)

    @Slot(object)
    def _finished(self, result: T) -> None:
        self._close()
        if self._publish is not None and shiboken6.isValid(self._publish[0]):
            self._publish[0].publish(self._publish[1](result))  # the data changed regardless
        if self._parent_gone():
            return
        if self._on_success is not None:
            self._on_success(result)

    def _parent_gone(self) -> bool:
        """The widget that asked was closed meanwhile (a unit switch): nobody to tell."""
        if self.parent is not None and not shiboken6.isValid(self.parent):
            logger.info("background work finished after its page closed")
            return True
        return False

    @Slot(object)
    def _failed(self, error: BaseException) -> None:
        self._close()
        if self._parent_gone() and isinstance(error, KnownError):
            return  # known trouble for a page that is gone; a bug still reaches the crash dialog
        if self._on_failure is not None and isinstance(error, KnownError):
            self._on_failure(error)
            return
        # Anything else is a bug: to the crash dialog through the excepthook, with its traceback.
        sys.excepthook(type(error), error, error.__traceback__)
