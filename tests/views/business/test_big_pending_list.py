"""A 100,000-row 清册 (issue 12): rows read a screenful at a time, the window never stalls.

The list is built once per module (one executemany) and each test works on its own copy.
The stall probe bounds how long the UI thread is blocked; nothing here times a whole job.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot

from app.services.attachments import AttachmentService
from app.services.businesses import SPECS
from app.services.engine.pending import PendingLists
from app.services.policy import load_default
from app.services.rules.money import format_money
from app.services.store import Store
from app.views.business.pending_model import BLOCK
from app.views.business.pending_page import PendingPage
from tests import big_pending
from tests.ids import resident_id
from tests.stall_probe import StallProbe

ROWS = 100_000
WAIT = 120_000  # ms: the worker's SQL on a busy 2-core machine, never a bound on the UI thread

OpenPage = Callable[[], PendingPage]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> big_pending.BigPendingList:
    return big_pending.build(tmp_path_factory.mktemp("big-list") / "db.sqlite3", ROWS)


@pytest.fixture
def pending(built: big_pending.BigPendingList, tmp_path: Path) -> Iterator[PendingLists]:
    big = big_pending.copy(built, tmp_path / "db.sqlite3")
    store = Store.open(big.path)
    yield PendingLists(store, SPECS["open-account"], big.unit_id, load_default)
    store.close()


@pytest.fixture
def read(pending: PendingLists, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How much the page read: rows fetched by id, and whole indexes asked for."""
    counts = {"rows": 0, "indexes": 0}
    rows_by_id, index = pending.rows_by_id, pending.index

    def counting_rows(ids: Any) -> Any:
        counts["rows"] += len(ids)
        return rows_by_id(ids)

    def counting_index(*args: Any, **kwargs: Any) -> Any:
        counts["indexes"] += 1
        return index(*args, **kwargs)

    def every_row() -> Any:
        raise AssertionError("the whole list was read into memory")

    monkeypatch.setattr(pending, "rows_by_id", counting_rows)
    monkeypatch.setattr(pending, "index", counting_index)
    monkeypatch.setattr(pending, "rows", every_row)
    return counts


# What a 清册 page may ask of its service; the edit tests say none of it runs on the UI thread.
SERVICE_CALLS = (
    "add",
    "update",
    "delete_many",
    "undo_delete_many",
    "row",
    "rows_by_id",
    "locate",
    "summary",
    "index",
    "snapshot",
    "count",
)


@pytest.fixture
def on_ui_thread(pending: PendingLists, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the service calls made on the UI thread, in order."""
    called: list[str] = []

    def watched(name: str) -> Callable[..., Any]:
        call = getattr(pending, name)

        def run(*args: Any, **kwargs: Any) -> Any:
            if threading.current_thread() is threading.main_thread():
                called.append(name)
            return call(*args, **kwargs)

        return run

    for name in SERVICE_CALLS:
        monkeypatch.setattr(pending, name, watched(name))
    return called


@pytest.fixture
def open_page(qtbot: QtBot, pending: PendingLists) -> OpenPage:
    def opened() -> PendingPage:
        page = PendingPage(pending, AttachmentService(pending.store, pending.unit_id), load_default)
        qtbot.addWidget(page)
        page.resize(1000, 700)
        page.show()
        return page

    return opened


def loaded(qtbot: QtBot, page: PendingPage) -> None:
    qtbot.waitUntil(lambda: page.model.loading is None and page._context is not None, timeout=WAIT)


def column(page: PendingPage, key: str) -> int:
    return [f.key for f in page.model.columns].index(key)


@pytest.mark.stall
def test_open_scroll_sort_and_search_never_stall(
    qtbot: QtBot, open_page: OpenPage, built: big_pending.BigPendingList, read: dict[str, int]
) -> None:
    page = open_page()  # the page's widgets (the same for any list); its rows come next
    with StallProbe() as probe:
        loaded(qtbot, page)
        assert page.model.rowCount() == ROWS
        summary = page.summary.text()
        assert f"共 {ROWS} 条" in summary and f"其中 {built.with_errors} 条有误" in summary
        assert f"缴存基数合计 {format_money(built.base_total)}" in summary  # SQLite's, exact
        assert read["rows"] <= 2 * BLOCK  # the screen, not the list

        page.table.scrollToBottom()
        last = page.table.rowAt(page.table.viewport().height() - 2)
        assert page.model.item(last).position == ROWS  # entry order to the very end
        page.table.selectRow(last - 3)
        chosen = page.selected_row_id()

        base = column(page, "base")
        page.table.sortByColumn(base, Qt.SortOrder.DescendingOrder)
        qtbot.waitUntil(lambda: page.model.order.key == "base", timeout=WAIT)
        loaded(qtbot, page)
        bases = [Decimal(page.model.item(r).values["base"]) for r in range(50)]
        assert bases == sorted(bases, reverse=True) and bases[0] >= Decimal("29000")
        assert page.selected_row_id() == chosen  # the same person, wherever the sort put them

        page.list.search.setText(page.model.item(0).values["id_number"][-6:])
        qtbot.waitUntil(lambda: page.model.text != "", timeout=WAIT)
        loaded(qtbot, page)
        assert 1 <= page.model.rowCount() < 50
        assert "查找到" in page.summary.text()
    assert read["rows"] < 10 * BLOCK
    probe.check()


def select_rows(page: PendingPage, rows: list[int]) -> None:
    selection = QItemSelection()
    for row in rows:
        selection.select(page.model.index(row, 0), page.model.index(row, 0))
    flags = (
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    )
    page.table.selectionModel().select(selection, flags)


@pytest.mark.stall
def test_add_modify_delete_and_undo_move_one_row_and_never_stall(
    qtbot: QtBot,
    open_page: OpenPage,
    pending: PendingLists,
    read: dict[str, int],
    on_ui_thread: list[str],
) -> None:
    page = open_page()
    loaded(qtbot, page)
    indexes = read["indexes"]
    on_ui_thread.clear()  # opening asks how big the list is (an index count) on the UI thread
    person = {
        "name": "王新来",
        "id_number": resident_id("41020319900101777"),
        "mobile": "13900000001",
    }
    with StallProbe() as probe:
        page.form.set_values(person | {"base": "5000"})
        page.add_row()
        qtbot.waitUntil(lambda: page.saving is None, timeout=WAIT)
        assert "已添加到待开户清册：王新来" in page.message.text()
        assert page.model.rowCount() == ROWS + 1
        assert page.model.item(ROWS).values["name"] == "王新来"  # at the end: entry order
        shown = page.table.viewport().rect()  # and scrolled to, once the view took it in
        qtbot.waitUntil(lambda: shown.contains(page.table.visualRect(page.model.index(ROWS, 0))))

        page.table.selectRow(ROWS)
        page.modify()
        page.form.set_values(person | {"base": "8000"})
        page.add_row()  # 保存修改
        qtbot.waitUntil(lambda: page.saving is None, timeout=WAIT)
        assert page.model.index(ROWS, column(page, "base")).data() == "8,000.00"

        first = page.model.item(0)
        select_rows(page, [0, 1, ROWS])
        page.delete()  # on a worker: the window's thread writes nothing
        qtbot.waitUntil(lambda: page.model.rowCount() == ROWS - 2, timeout=WAIT)
        assert "已删除3 条记录" in page.message.text()
        page.undo_delete()
        qtbot.waitUntil(lambda: page.model.rowCount() == ROWS + 1, timeout=WAIT)
        assert "已恢复：" in page.message.text()
        assert page.selected_row_id() is not None and page.list.undoing is None
    # Every write and read of the four actions (and of painting their rows) ran on workers.
    assert on_ui_thread == []
    assert read["indexes"] == indexes  # the list was never read again: one row moved each time
    assert page.model.summary == pending.summary()  # kept by hand, the same as SQLite's sums
    assert page.model.item(0) == first and page.model.item(ROWS).values["base"] == "8000.00"
    assert sorted(page.list.selected_row_ids()) == sorted(
        [page.model.row_id(0), page.model.row_id(1), page.model.row_id(ROWS)]
    )
    # The rules' context followed each change (its keys were read once, when the page opened).
    keys = page._context.pending_keys if page._context else {}
    assert keys.get(person["id_number"]) == page.model.row_id(ROWS)
    assert keys.get(first.values["id_number"]) == first.id
    probe.check()


@pytest.mark.stall
def test_a_duplicate_id_is_refused_after_delete_and_undo(
    qtbot: QtBot, open_page: OpenPage, pending: PendingLists
) -> None:
    page = open_page()
    loaded(qtbot, page)
    first = page.model.item(0)
    copy = {key: first.values[key] for key in ("name", "id_number", "mobile", "base")}
    with StallProbe() as probe:
        select_rows(page, [0])
        page.delete()
        qtbot.waitUntil(lambda: page.model.rowCount() == ROWS - 1, timeout=WAIT)
        assert first.values["id_number"] not in (
            page._context.pending_keys if page._context else {}
        )
        page.undo_delete()
        qtbot.waitUntil(lambda: page.model.rowCount() == ROWS, timeout=WAIT)
        page.form.set_values(copy)
        page.add_row()  # the same person again: refused by the service, marked on the form
        qtbot.waitUntil(lambda: page.saving is None, timeout=WAIT)
    assert "有 1 处需要修改" in page.message.text()
    assert page.form.values()["id_number"] == first.values["id_number"]  # nothing typed is lost
    assert page.model.rowCount() == ROWS and pending.count() == ROWS
    probe.check()
