"""The background sync as the window sees it: signals, one run at a time, the status bar."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QThreadPool
from pytestqt.qtbot import QtBot

from app.errors import AuthError, OfflineError, ServerRejectedError
from app.models import OutboxItem
from app.services.api.models import AttachmentInfo, SubmissionPage, SubmissionRecord
from app.services.context import AppServices
from app.services.outbox import OutboxSync
from app.services.session import CentreSession
from app.views.main_window import MainWindow
from app.views.sync_controller import SyncController, current_unit_outbox
from fundserver.demo import DemoCredentials
from fundserver.process import FundServerProcess
from tests.stall_probe import MAX_GAP, StallProbe

OFFLINE = "无法连接公积金中心服务器，请检查网络后重试"


class ScriptedCentre:
    """A centre whose every submit raises `error` (or answers), optionally held until released."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.gate: threading.Event | None = None
        self.calls = 0
        self.in_flight = 0
        self.most_in_flight = 0
        self.lock = threading.Lock()

    def upload_attachment(
        self, path: str | Path, sha256: str, material: str, business: str
    ) -> AttachmentInfo:
        raise AssertionError("no attachments here")

    def submit(
        self,
        business: str,
        rows: Sequence[Mapping[str, Any]],
        attachments: Sequence[str],
        idempotency_key: str,
        client_ref: str | None = None,
    ) -> SubmissionRecord:
        with self.lock:
            self.calls += 1
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if self.gate is not None:
                assert self.gate.wait(30)
            if self.error is not None:
                raise self.error
            return SubmissionRecord(
                self.calls, business, "待审核", "pending", None, [], [], client_ref, None,
                "", "", self.calls, False,
            )  # fmt: skip
        finally:
            with self.lock:
                self.in_flight -= 1

    def submissions(
        self,
        since: int = 0,
        *,
        business: str | None = None,
        state: str | None = None,
        page_size: int = 200,
    ) -> SubmissionPage:
        return SubmissionPage([], since, False)

    def close(self) -> None:
        pass


@pytest.fixture
def own_fundserver(tmp_path: Path) -> Iterator[FundServerProcess]:
    """fundserver as its own process on a free loopback port (tests/e2e's fixtures are there)."""
    server = FundServerProcess(tmp_path / "fundserver")
    yield server
    server.stop()


def queue(services: AppServices, unit_id: int) -> int:
    with services.store.session() as session:
        item = OutboxItem(
            unit_id=unit_id,
            business="open-account",
            idempotency_key=uuid.uuid4().hex,
            rows=[{"name": "张三"}],
            attachment_ids=[],
            state="queued",
        )
        session.add(item)
        session.flush()
        return item.id


def state_of(services: AppServices, item_id: int) -> str:
    with services.store.session() as session:
        return session.get_one(OutboxItem, item_id).state


@pytest.fixture
def pool() -> Iterator[QThreadPool]:
    own = QThreadPool()
    yield own
    own.waitForDone(30_000)


def controller_for(
    qtbot: QtBot, services: AppServices, unit_id: int, centre: ScriptedCentre, pool: QThreadPool
) -> SyncController:
    return SyncController(
        lambda: OutboxSync(services.store, unit_id, lambda: centre),
        interval_ms=3_600_000,
        pool=pool,
    )


def test_offline_is_reported_and_the_item_stays_queued(
    qtbot: QtBot, services: AppServices, unit_id: int, pool: QThreadPool
) -> None:
    item_id = queue(services, unit_id)
    centre = ScriptedCentre(OfflineError(OFFLINE, code="offline"))
    controller = controller_for(qtbot, services, unit_id, centre, pool)

    with qtbot.waitSignal(controller.online_changed, timeout=10_000) as online:
        controller.start()

    assert online.args == [False, OFFLINE]
    assert state_of(services, item_id) == "queued"
    qtbot.waitUntil(lambda: not controller.running)
    controller.stop()


def test_an_expired_login_asks_for_the_login_dialog(
    qtbot: QtBot, services: AppServices, unit_id: int, pool: QThreadPool
) -> None:
    item_id = queue(services, unit_id)
    centre = ScriptedCentre(AuthError("登录已失效，请重新登录", code="token_expired"))
    controller = controller_for(qtbot, services, unit_id, centre, pool)

    with qtbot.waitSignal(controller.auth_required, timeout=10_000):
        assert controller.sync_now()

    assert state_of(services, item_id) == "queued"
    qtbot.waitUntil(lambda: not controller.running)


def test_a_refused_item_is_signalled_with_its_reason(
    qtbot: QtBot, services: AppServices, unit_id: int, pool: QThreadPool
) -> None:
    item_id = queue(services, unit_id)
    centre = ScriptedCentre(ServerRejectedError("未知的业务类型", code="unknown_business"))
    controller = controller_for(qtbot, services, unit_id, centre, pool)

    with qtbot.waitSignal(controller.item_failed, timeout=10_000) as failed:
        controller.sync_now()

    assert failed.args[0] == item_id and "未知的业务类型" in failed.args[1]
    assert state_of(services, item_id) == "failed"
    qtbot.waitUntil(lambda: not controller.running)


def test_never_two_runs_at_once_and_a_request_meanwhile_runs_after(
    qtbot: QtBot, services: AppServices, unit_id: int, pool: QThreadPool
) -> None:
    first = queue(services, unit_id)
    centre = ScriptedCentre()
    centre.gate = threading.Event()
    controller = controller_for(qtbot, services, unit_id, centre, pool)
    runs: list[None] = []
    controller.finished.connect(lambda: runs.append(None))

    assert controller.sync_now() is True
    qtbot.waitUntil(lambda: centre.calls == 1)
    second = queue(services, unit_id)  # submitted while the first run is on the wire
    assert controller.sync_now() is False and controller.sync_now() is False
    centre.gate.set()

    qtbot.waitUntil(lambda: len(runs) == 2 and not controller.running, timeout=10_000)
    assert centre.most_in_flight == 1 and centre.calls == 2
    assert (state_of(services, first), state_of(services, second)) == ("sent", "sent")


def test_a_run_that_ends_after_its_controller_is_gone_tells_nobody(
    qtbot: QtBot, services: AppServices, unit_id: int, pool: QThreadPool
) -> None:
    """The window closed (or the unit switched) while a sync was on the wire: its end must not
    emit through the deleted controller ("Signal source has been deleted" used to surface)."""
    item = queue(services, unit_id)
    centre = ScriptedCentre()
    centre.gate = threading.Event()
    controller = controller_for(qtbot, services, unit_id, centre, pool)
    assert controller.sync_now() is True
    qtbot.waitUntil(lambda: centre.calls == 1)
    shiboken6.delete(controller)  # its C++ side gone, the Python wrapper still referenced
    centre.gate.set()

    pool.waitForDone(10_000)
    qtbot.waitUntil(lambda: state_of(services, item) == "sent")
    for _ in range(3):  # the run's end is delivered through queued signals
        qtbot.wait(0)  # an exception in a slot fails the test (pytest-qt captures it)


def test_no_unit_logged_in_shows_offline_without_a_run(
    qtbot: QtBot, services: AppServices, unit_id: int
) -> None:
    controller = SyncController(current_unit_outbox(services))

    with qtbot.waitSignal(controller.online_changed) as online:
        assert controller.sync_now() is False

    assert online.args[0] is False and "登录" in online.args[1]


@pytest.mark.e2e
def test_the_window_shows_the_outbox_emptying_against_a_real_server(
    qtbot: QtBot,
    services: AppServices,
    own_fundserver: FundServerProcess,
    pool: QThreadPool,
) -> None:
    session = CentreSession(services)
    demo_credentials = DemoCredentials()
    unit = session.login(
        own_fundserver.url, demo_credentials.unit_code, demo_credentials.password
    ).unit
    item_id = queue(services, unit.id)
    window = MainWindow(services, session=session)
    qtbot.addWidget(window)
    window.refresh_status()
    assert window.outbox_label.text() == "待上传：1"
    controller = SyncController(current_unit_outbox(services), window, pool=pool)
    controller.attach_to(window)

    with qtbot.waitSignal(controller.finished, timeout=20_000):
        controller.start()

    assert state_of(services, item_id) == "sent"
    assert window.outbox_label.text() == "待上传：0"
    assert window.online_label.text() == "● 在线"
    controller.stop()


@pytest.mark.stall
def test_a_sync_of_100_submissions_never_blocks_the_window(
    qtbot: QtBot, services: AppServices, unit_id: int, pool: QThreadPool
) -> None:
    """Issue 12 point 6: the sending runs on a worker; the UI thread only hears the progress."""
    items = [queue(services, unit_id) for _ in range(100)]
    centre = ScriptedCentre()
    controller = controller_for(qtbot, services, unit_id, centre, pool)
    runs: list[None] = []
    controller.finished.connect(lambda: runs.append(None))

    with StallProbe() as probe:
        assert controller.sync_now() is True
        qtbot.waitUntil(lambda: bool(runs) and not controller.running, timeout=60_000)

    assert centre.calls == 100
    assert {state_of(services, item_id) for item_id in items} == {"sent"}
    assert probe.largest_gap < MAX_GAP, probe
