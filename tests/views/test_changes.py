"""One "what changed" signal: pages refresh themselves after a sync, 立即同步 and F5, closing."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from app.models import OutboxItem
from app.services.context import AppServices
from app.services.engine.history import SubmissionHistory
from app.services.outbox import OutboxSync
from app.services.session import CentreSession
from app.views.business.query_page import QueryPage
from app.views.changes import ChangeHub
from app.views.home_page import HomePage
from app.views.main_window import MainWindow
from app.views.sync_controller import SyncController
from tests.services.test_outbox import FakeCentre, FakeClock, _record, queue
from tests.services.test_outbox_sync_changes import NEW_PERSON


@pytest.fixture
def pool() -> Iterator[QThreadPool]:
    own = QThreadPool()
    yield own
    own.waitForDone(30_000)


def shown_states(page: QueryPage) -> list[str]:
    return [page.model.index(r, 5).data() for r in range(page.model.rowCount())]


def test_the_query_and_home_pages_refresh_themselves_after_an_approval(
    qtbot: QtBot, services: AppServices, unit_id: int, pool: QThreadPool
) -> None:
    """Issue 8 point 13 and 12: one sync pulls the approval and the new person; 开户查询 and
    the home page show both without being told to refresh, the status bar agrees."""
    centre = FakeCentre()
    hub = ChangeHub()
    queue(services, unit_id)
    outbox = OutboxSync(
        services.store, unit_id, lambda: centre, clock=FakeClock(), rng=random.Random(3)
    )
    controller = SyncController(lambda: outbox, pool=pool, hub=hub)
    page = QueryPage(
        "开户查询",
        SubmissionHistory(services.store, unit_id),
        ("open-account",),
        lambda code, outbox_id: "",
        today=lambda: date(2026, 11, 27),
        hub=hub,
    )
    home = HomePage(services, hub=hub)
    for widget in (page, home):
        qtbot.addWidget(widget)
    page.show()
    assert shown_states(page) == ["待上传"]
    assert "待上传的提交：1 笔" in home.body.text()

    with qtbot.waitSignal(controller.finished, timeout=20_000):
        controller.sync_now()
    assert shown_states(page) == ["待审核"]
    assert "待上传的提交：0 笔" in home.body.text()

    centre.pages = [_record(1, "审核通过", version=10)]
    centre.roster_pages = [{"items": [NEW_PERSON], "version": 7, "has_more": False}]
    with qtbot.waitSignal(controller.finished, timeout=20_000):
        controller.sync_now()

    assert shown_states(page) == ["审核通过"]
    assert "职工名册：1 人" in home.body.text()


def test_a_hidden_query_page_catches_up_when_shown(
    qtbot: QtBot, services: AppServices, unit_id: int
) -> None:
    from app.services.changes import Changes

    hub = ChangeHub()
    page = QueryPage(
        "开户查询",
        SubmissionHistory(services.store, unit_id),
        ("open-account",),
        lambda code, outbox_id: "",
        hub=hub,
    )
    qtbot.addWidget(page)
    item_id = queue(services, unit_id)
    hub.publish(Changes(queued=True))
    assert shown_states(page) == []  # hidden: nothing redrawn yet
    page.show()
    assert shown_states(page) == ["待上传"]
    with services.store.session() as session:
        session.get_one(OutboxItem, item_id).state = "failed"
    hub.publish(Changes(outbox=True))
    assert shown_states(page) == ["失败"]


def test_sync_now_is_a_button_and_f5_and_says_what_happened(
    qtbot: QtBot, services: AppServices, unit_id: int
) -> None:
    window = MainWindow(services, session=CentreSession(services))
    qtbot.addWidget(window)
    assert window.sync_action.shortcut() == QKeySequence("F5")
    assert window.sync_action.text() == "立即同步"
    assert window.sync is not None
    with qtbot.waitSignal(window.sync.said) as said:
        window.sync_action.trigger()
    assert "尚未登录" in said.args[0]
    assert "尚未登录" in window.statusBar().currentMessage()
    window.sync.stop()


def test_closing_with_uploads_waiting_says_what_and_when_they_go(
    qtbot: QtBot, services: AppServices, unit_id: int
) -> None:
    """Issue 8 point 17."""
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.closing_warning() is None
    queue(services, unit_id)
    failed = queue(services, unit_id)
    with services.store.session() as session:
        session.get_one(OutboxItem, failed).state = "failed"

    warning = window.closing_warning() or ""
    assert "还有 1 笔提交尚未上传" in warning and "下次启动并登录后会自动上传" in warning
    assert "1 笔上传失败" in warning

    window.close()  # the title bar's ✕ or Alt+F4

    box = window.close_warning
    assert box is not None and box.isVisible() and box.text() == warning
    assert window.isVisible()  # nothing closes before the clerk has read it
    stay, leave = (b for b in box.buttons() if b.text() in ("取消", "退出"))
    stay, leave = (stay, leave) if stay.text() == "取消" else (leave, stay)
    assert box.defaultButton() is stay
    stay.click()
    qtbot.waitUntil(lambda: not box.isVisible())
    assert window.isVisible()

    window.close()
    again = window.close_warning
    assert again is not None and again.isVisible()
    leave_button = next(b for b in again.buttons() if b.text() == "退出")
    leave_button.click()
    qtbot.waitUntil(lambda: not window.isVisible())
