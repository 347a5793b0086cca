"""The outbox sync in the background: a timer, one run at a time, results as signals.

A thin Qt adapter over `app.services.outbox.OutboxSync`: the work runs through `Op` on a
worker thread (one writer for SQLite: never two runs at once; a request during a run is
remembered and run right after), and the window hears about it by signal:

- `online_changed(bool, str)` — whether the centre was reached, with a Chinese detail;
- `outbox_changed()` — states may have changed (refresh counts and lists);
- `auth_required()` — the login expired: show the login dialog (nothing was lost);
- `item_failed(int, str)` — an outbox item became 失败, and why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from app.errors import AuthError, KnownError
from app.services.attachments import AttachmentService
from app.services.context import AppServices
from app.services.outbox import OutboxSync, SyncReport
from app.services.session import CentreSession
from app.views.ops import Op, OpContext

logger = logging.getLogger(__name__)

DEFAULT_INTERVAL_MS = 60_000


class StatusWindow(Protocol):
    """What the controller drives in the main window's status bar."""

    def set_online(self, online: bool, detail: str = "") -> None: ...

    def refresh_status(self) -> None: ...


OutboxFactory = Callable[[], OutboxSync | None]


def current_unit_outbox(
    services: AppServices, session: CentreSession | None = None
) -> OutboxFactory:
    """The outbox of whichever unit is current, or None when no unit is logged in.

    Pass the window's session: without an OS keyring its tokens live only in that session.
    """
    session = session or CentreSession(services)

    def make() -> OutboxSync | None:
        unit = services.units.current()
        if unit is None or not session.is_logged_in(unit):
            return None
        return OutboxSync(services.store, unit.id, lambda: session.client(unit))

    return make


class SyncController(QObject):
    """Runs the outbox sync every `interval_ms` and on demand (`sync_now`)."""

    online_changed = Signal(bool, str)
    outbox_changed = Signal()
    auth_required = Signal()
    item_failed = Signal(int, str)
    finished = Signal()  # a run ended, however it ended

    def __init__(
        self,
        make_outbox: OutboxFactory,
        parent: QObject | None = None,
        *,
        interval_ms: int = DEFAULT_INTERVAL_MS,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent)
        self.make_outbox = make_outbox
        self.pool = pool
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.sync_now)
        self._op: Op[SyncReport] | None = None
        self._again = False
        self._stopped = False

    @property
    def running(self) -> bool:
        return self._op is not None

    def attach_to(self, window: StatusWindow) -> None:
        """Show the sync in the window's status bar (在线/离线, 待上传 count)."""
        self.online_changed.connect(window.set_online)
        self.outbox_changed.connect(window.refresh_status)

    def start(self) -> None:
        """Sync now and then every interval (the main window calls this once it is shown)."""
        self._stopped = False
        self.timer.start()
        self.sync_now()

    def stop(self) -> None:
        """No more runs; a running one stops after its current item (the rest stays queued)."""
        self._stopped = True
        self._again = False
        self.timer.stop()
        if self._op is not None:
            self._op.ctx.cancel()

    def sync_now(self) -> bool:
        """Start a run unless one is going (then it runs again right after); True if started."""
        if self._stopped:
            return False
        if self._op is not None:
            self._again = True
            return False
        outbox = self.make_outbox()
        if outbox is None:
            self.online_changed.emit(False, "未登录中心服务器，登录后自动上传")
            return False

        def work(ctx: OpContext) -> SyncReport:
            report = outbox.sync(
                progress=lambda done, total: ctx.report(done, total),
                cancelled=lambda: ctx.cancelled,
            )
            if report.pulled:  # review states are fresh: originals of accepted work may go
                attachments = AttachmentService(outbox.store, outbox.unit_id)
                attachments.cleanup(attachments.accepted_submissions())
            return report

        op: Op[SyncReport] = Op(None, work).success(self._done).failure(self._failed)
        op.signals.failed.connect(self._maybe_bug)  # a bug skips `failure`; still end the run
        self._op = op
        op.run(self.pool)
        return True

    def _done(self, report: SyncReport) -> None:
        stopped = None if report.run.cancelled else report.run.stopped
        trouble = stopped or report.pull_error
        if trouble:
            self.online_changed.emit(False, trouble)
        elif report.run.stopped is None:
            self.online_changed.emit(True, "已连接中心服务器")
        for item_id, why in report.run.failures:
            self.item_failed.emit(item_id, why)
        self.outbox_changed.emit()
        self._end()

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, AuthError):
            self.online_changed.emit(False, "登录已失效，请重新登录")
            self.auth_required.emit()
            self._again = False  # nothing to gain before the clerk logs in again
        elif isinstance(error, KnownError):
            self.online_changed.emit(False, error.message)
        self.outbox_changed.emit()
        self._end()

    def _maybe_bug(self, error: object) -> None:
        if not isinstance(error, KnownError):  # Op sends it to the crash dialog
            self.outbox_changed.emit()
            self._end()

    def _end(self) -> None:
        self._op = None
        self.finished.emit()
        if self._again and not self._stopped:
            self._again = False
            self.sync_now()
