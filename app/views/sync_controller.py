"""The outbox sync in the background: a timer, one run at a time, results as signals.

A thin Qt adapter over `app.services.outbox.OutboxSync`: the work runs through `Op` on a
worker thread (one writer for SQLite: never two runs at once; a request during a run is
remembered and run right after), and the window hears about it by signal:

- `online_changed(bool, str)` — whether the centre was reached, with a Chinese detail;
- `outbox_changed()` — states may have changed (refresh counts and lists);
- `auth_required()` — the login expired: show the login dialog (nothing was lost);
- `item_failed(int, str)` — an outbox item became 失败, and why;
- `said(str)` — the outcome of a sync the clerk asked for (立即同步, F5), in Chinese;

and every run publishes what it changed on the window's `ChangeHub` (outbox, review states,
roster), so each page refreshes itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

import shiboken6
from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from app.errors import AuthError, KnownError
from app.services import versions
from app.services.changes import Changes
from app.services.context import AppServices
from app.services.outbox import OutboxSync, SyncReport
from app.services.outbox_batch import DEFAULT_BATCH
from app.services.session import CentreSession
from app.views.changes import ChangeHub
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
        return OutboxSync(
            services.store, unit.id, lambda: session.client(unit), batch=DEFAULT_BATCH
        )

    return make


class SyncController(QObject):
    """Runs the outbox sync every `interval_ms` and on demand (`sync_now`)."""

    online_changed = Signal(bool, str)
    outbox_changed = Signal()
    auth_required = Signal()
    item_failed = Signal(int, str)
    said = Signal(str)  # what a sync the clerk asked for did, or why it did nothing
    finished = Signal()  # a run ended, however it ended

    def __init__(
        self,
        make_outbox: OutboxFactory,
        parent: QObject | None = None,
        *,
        interval_ms: int = DEFAULT_INTERVAL_MS,
        pool: QThreadPool | None = None,
        hub: ChangeHub | None = None,
    ) -> None:
        super().__init__(parent)
        self.make_outbox = make_outbox
        self.pool = pool
        self.hub = hub
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.sync_now)
        self._op: Op[SyncReport] | None = None
        self._again = False
        self._again_manual = False
        self._manual = False
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

    def sync_now(self, manual: bool = False) -> bool:
        """Start a run unless one is going (then it runs again right after); True if started.

        `manual`: the clerk asked (立即同步, F5): items waiting out their backoff go too, and
        `said` tells what happened.
        """
        if self._stopped:
            return False
        if self._op is not None:
            self._again = True
            self._again_manual = self._again_manual or manual
            return False
        outbox = self.make_outbox()
        if outbox is None:
            self.online_changed.emit(False, "未登录中心服务器，登录后自动上传")
            if manual:
                self.said.emit("尚未登录中心服务器：请先登录，登录后自动上传。")
            return False
        self._manual = manual

        def work(ctx: OpContext) -> SyncReport:
            return outbox.sync(  # also removes the originals of accepted work that are due
                progress=lambda done, total: ctx.report(done, total),
                cancelled=lambda: ctx.cancelled,
                manual=manual,
            )

        op: Op[SyncReport] = Op(None, work).success(self._done).failure(self._failed)
        op.signals.failed.connect(self._maybe_bug)  # a bug skips `failure`; still end the run
        self._op = op
        op.run(self.pool)
        return True

    def _gone(self) -> bool:
        """The controller was deleted (window closed, unit switched) while its run was on the
        wire: the run's end has nobody to tell (emitting would raise)."""
        return not shiboken6.isValid(self)

    def _done(self, report: SyncReport) -> None:
        if self._gone():
            return
        stopped = None if report.run.cancelled else report.run.stopped
        trouble = stopped or report.pull_error
        if trouble:
            self.online_changed.emit(False, trouble)
        elif report.run.stopped is None:
            self.online_changed.emit(True, versions.notice() or "已连接中心服务器")
        for item_id, why in report.run.failures:
            self.item_failed.emit(item_id, why)
        if self._manual:
            self.said.emit(describe(report))
        self._publish(report.changes)
        self._end()

    def _publish(self, changes: Changes) -> None:
        self.outbox_changed.emit()
        if self.hub is not None:
            self.hub.publish(changes | Changes(outbox=True))

    def _failed(self, error: BaseException) -> None:
        if self._gone():
            return
        if isinstance(error, AuthError):
            self.online_changed.emit(False, "登录已失效，请重新登录")
            self.auth_required.emit()
            self._again = False  # nothing to gain before the clerk logs in again
        elif isinstance(error, KnownError):
            self.online_changed.emit(False, error.message)
        if self._manual and isinstance(error, KnownError):
            self.said.emit(f"同步未完成：{error.message}")
        self._publish(Changes(outbox=True))
        self._end()

    def _maybe_bug(self, error: object) -> None:
        if (
            not isinstance(error, KnownError) and not self._gone()
        ):  # Op sends it to the crash dialog
            self._publish(Changes(outbox=True))
            self._end()

    def _end(self) -> None:
        self._op = None
        self._manual = False
        self.finished.emit()
        if self._again and not self._stopped:
            manual = self._again_manual
            self._again = self._again_manual = False
            self.sync_now(manual)


def describe(report: SyncReport) -> str:
    """One line a clerk reads after 立即同步: what went, what came back, or why nothing did."""
    run = report.run
    trouble = None if run.cancelled else run.stopped
    trouble = trouble or report.pull_error
    parts = [f"已上传 {run.sent} 笔"] if run.sent or not report.idle_reason else []
    if report.idle_reason and not run.sent:
        parts.append(report.idle_reason.rstrip("。"))
    if run.failed:
        parts.append(f"{run.failed} 笔被中心拒收（见查询页）")
    if run.retry_later:
        parts.append(f"{run.retry_later} 笔稍后自动重试")
    if report.pulled:
        parts.append(f"审核状态更新 {report.reviews_updated} 笔")
    if report.roster is not None and (report.roster.added or report.roster.changed):
        parts.append(f"名册新增 {report.roster.added} 人、变更 {report.roster.changed} 人")
    if trouble:
        parts.append(f"未完成：{trouble}")
    return "；".join(parts) + "。"
