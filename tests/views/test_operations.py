"""Background work the Anki way: named operations publish what they changed; one Cancelled."""

from __future__ import annotations

import shiboken6
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.errors import Cancelled
from app.services.changes import Changes
from app.views.changes import ChangeHub
from app.views.ops import Op, OpContext

WAIT = 20_000


def test_what_an_operation_changed_is_published_even_after_its_page_closed(
    qtbot: QtBot,
) -> None:
    hub = ChangeHub()
    page = QWidget()
    told: list[int] = []
    op: Op[int] = Op(page, lambda _ctx: 3).publishing(hub, lambda _n: Changes(roster=True))
    op.success(told.append)
    with qtbot.waitSignal(hub.changed, timeout=WAIT) as published:
        shiboken6.delete(page)  # the clerk switched units meanwhile
        op.run()
    assert published.args == [Changes(roster=True)]  # every other page still refreshes
    assert told == []  # the page that asked is not called


def test_a_failed_operation_publishes_nothing_and_a_cancelled_one_says_cancelled(
    qtbot: QtBot,
) -> None:
    hub = ChangeHub()
    published: list[Changes] = []
    hub.changed.connect(published.append)
    failures: list[BaseException] = []

    def work(ctx: OpContext) -> int:
        ctx.cancel()  # as 取消 would, from the UI thread
        if ctx.cancelled:
            raise Cancelled("名册同步已取消，已同步的部分已保存。")
        return 1

    op: Op[int] = Op(None, work).publishing(hub, lambda _n: Changes(roster=True))
    with qtbot.waitSignal(op.signals.failed, timeout=WAIT):
        op.failure(failures.append).run()
    # The waiter and Op's own slot are separate queued events: the failure callback may come
    # one turn of the event loop after the signal the waiter saw.
    qtbot.waitUntil(lambda: failures != [], timeout=WAIT)
    assert [type(f) for f in failures] == [Cancelled] and published == []
