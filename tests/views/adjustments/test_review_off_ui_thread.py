"""差异核对 opened from the 缴存基数调整 page: the rows are read on the worker, never the UI thread.

The list and the roster are written straight into the store (Core inserts: the import's speed
is not what this measures); then the clerk presses 差异核对.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import insert

from app.models import PendingList, PendingRow, RosterPerson, Unit
from app.services.adjustments import service as service_module
from app.services.adjustments.review import DifferenceReview
from app.services.adjustments.service import BaseChangeService
from app.services.attachments import AttachmentService
from app.services.context import AppServices
from app.services.engine.pending_store import RowView
from app.services.engine.states import ListState
from app.views.adjustments.base_change_page import BaseChangePage
from tests.stall_probe import StallProbe

PEOPLE = 10_000


def _person(unit_id: int, n: int) -> dict[str, Any]:
    return {
        "unit_id": unit_id,
        "account_no": f"{n:08d}",
        "name": f"职工{n}",
        "id_type": "居民身份证",
        "id_number": f"4102031990{n:08d}",
        "status": "正常",
        "base": Decimal("5000.00"),
        "unit_ratio": Decimal("0.12"),
        "personal_ratio": Decimal("0.12"),
        "monthly_amount": Decimal("1200.00"),
        "version": n + 1,
    }


def _row(list_id: int, n: int) -> dict[str, Any]:
    base = 5000 + n % 500  # 24 % of it, 四舍五入到元
    return {
        "list_id": list_id,
        "position": n,
        "source": f"调整.xlsx 第 {n + 4} 行",
        "data": {
            "account_no": f"{n:08d}",
            "name": f"职工{n}",
            "effective_month": "2026-12",
            "old_base": "5000.00",
            "old_monthly_amount": "1200.00",
            "base": f"{base}.00",
            "unit_ratio": "0.12",
            "personal_ratio": "0.12",
            "monthly_amount": f"{round(base * 0.24)}.00",
        },
    }


def big_list(services: AppServices, people: int = PEOPLE) -> BaseChangeService:
    unit = services.units.add("100001", "开封市示范机械厂")
    with services.store.session() as session:
        session.get_one(Unit, unit.id).profile = {
            "unit_ratio": "0.12",
            "personal_ratio": "0.12",
            "paid_to": "2026-10",
        }
        plist = PendingList(unit_id=unit.id, business="base-change", state=ListState.OPEN.value)
        session.add(plist)
        session.flush()
        list_id = plist.id
    with services.store.engine.begin() as connection:
        connection.execute(insert(RosterPerson), [_person(unit.id, n) for n in range(people)])
        connection.execute(insert(PendingRow), [_row(list_id, n) for n in range(people)])
    return BaseChangeService(services.store, unit.id, lambda: services.units.policy(unit.id))


def test_opening_the_review_reads_no_row_on_the_ui_thread(
    qtbot: QtBot, services: AppServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page counted its list by reading every row on the UI thread (100,000 rows: the
    window froze for seconds after the review opened); now only the worker reads rows."""
    service = big_list(services)
    readers: list[bool] = []  # for each read of the list's rows: on the UI thread?

    def on_ui_thread() -> None:
        readers.append(threading.current_thread() is threading.main_thread())

    read_rows, build = service.pending.rows, service_module.build_review

    def rows() -> list[RowView]:
        on_ui_thread()
        return read_rows()

    def built(*args: Any, **kwargs: Any) -> DifferenceReview:
        on_ui_thread()  # the review reads the rows' values in SQL just before
        return build(*args, **kwargs)

    monkeypatch.setattr(service.pending, "rows", rows)
    monkeypatch.setattr(service_module, "build_review", built)
    page = BaseChangePage(
        service, AttachmentService(services.store, service.unit_id), service._policy
    )
    qtbot.addWidget(page)
    assert page.rows == PEOPLE and page.buttons["review"].isEnabled()

    page.open_review()
    qtbot.waitUntil(lambda: page.review_dialog is not None, timeout=60_000)
    dialog = page.review_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.model.total == PEOPLE)

    assert readers == [False]  # once, on the worker
    assert "共 10000 人：调整 9980 人，未变化 20 人" in dialog.summary.text()
    assert dialog.model.index(0, 1).data() == "职工499"  # the largest change first
    assert page.buttons["submit"].isEnabled() and f"{PEOPLE} 人" in page.count.text()
    assert [b.text() for b in dialog.findChildren(QPushButton)] == ["关闭"]


@pytest.mark.stall
def test_a_review_of_100000_rows_is_built_without_stalling_the_window(
    qtbot: QtBot, services: AppServices
) -> None:
    """The worker makes 100,000 rows and their roster entries: the collector's full passes
    over them hold the interpreter lock; the window's own heap is frozen once it is filled
    (window_start.py; StallProbe does the same here), so those passes walk only the new
    objects, and nothing pauses the collector process-wide."""
    people = 100_000
    service = big_list(services, people)
    page = BaseChangePage(
        service, AttachmentService(services.store, service.unit_id), service._policy
    )
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    with StallProbe() as probe:
        page.open_review()
        qtbot.waitUntil(lambda: page.review_dialog is not None, timeout=300_000)
        dialog = page.review_dialog
        assert dialog is not None
        qtbot.waitUntil(lambda: dialog.model.total == people, timeout=60_000)
        qtbot.waitUntil(lambda: probe.ticks > 5)
    assert f"共 {people} 人" in dialog.summary.text()
    probe.check()
