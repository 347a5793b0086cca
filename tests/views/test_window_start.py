"""Issue 12: the window is shown first, then filled in; a click meanwhile is not lost."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app import paths
from app.services.context import AppServices
from app.services.settings import Settings
from app.views.main_window import MainWindow
from app.views.window_start import WindowStart

WAIT = 30_000


@pytest.fixture
def frame(qtbot: QtBot) -> MainWindow:
    """The window as `gjj-desk` first shows it: before the store is open."""
    window = MainWindow(None, settings=Settings())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def start(frame: MainWindow) -> Iterator[WindowStart]:
    starting = WindowStart(frame, Settings(), smoke=True)  # smoke: no login dialog
    yield starting
    starting.close()


def test_the_window_says_it_is_loading_until_the_data_is_in(frame: MainWindow) -> None:
    assert "正在载入" in frame.home.body.text()
    assert frame.unit_label.text() == "当前单位：正在载入…"
    assert frame.unit_box.currentText() == "正在载入…" and not frame.unit_box.isEnabled()
    assert not frame.find_action.isEnabled() and not frame.sync_action.isEnabled()
    assert frame.tree.topLevelItemCount() == 3  # the menu is there to click at once


def test_the_window_fills_in_with_the_unit_and_its_menu(
    qtbot: QtBot, frame: MainWindow, start: WindowStart, services: AppServices
) -> None:
    services.units.add("100001", "开封市示范机械厂")

    with qtbot.waitSignal(frame.filled, timeout=WAIT):
        start.begin()

    assert frame.home.title.text() == "开封市示范机械厂"
    assert "职工名册：0 人" in frame.home.body.text()
    assert frame.unit_label.text() == "当前单位：开封市示范机械厂（100001）"
    assert frame.unit_box.currentText() == "开封市示范机械厂（100001）"
    assert frame.find_action.isEnabled() and frame.unit_box.isEnabled()
    assert [a.text() for a in frame.menuBar().actions()] == ["文件(&F)"]  # the real one, once


def test_the_unit_is_shown_before_the_store_is_open(
    qtbot: QtBot, frame: MainWindow, start: WindowStart, services: AppServices
) -> None:
    services.units.add("100001", "开封市示范机械厂")
    services.units.add("200002", "开封市第二单位")
    seen: list[tuple[str, str, str, str, bool]] = []
    frame.first_screen.connect(
        lambda: seen.append(
            (
                frame.home.title.text(),
                frame.home.body.text(),
                frame.unit_label.text(),
                frame.outbox_label.text(),
                frame.filled_in,
            )
        )
    )

    with qtbot.waitSignal(frame.filled, timeout=WAIT):
        start.begin()

    assert len(seen) == 1
    title, body, unit, outbox, filled_in = seen[0]
    assert title == "开封市示范机械厂" and "职工名册：0 人" in body
    assert unit == "当前单位：开封市示范机械厂（100001）" and outbox == "待上传：0"
    assert not filled_in  # the store was still opening: the toolbar waits for it
    assert frame.home.title.text() == title and frame.unit_label.text() == unit


def test_a_new_database_is_shown_once_the_store_has_made_it(
    qtbot: QtBot, frame: MainWindow, start: WindowStart
) -> None:
    shown: list[bool] = []
    frame.first_screen.connect(lambda: shown.append(True))

    with qtbot.waitSignal(frame.filled, timeout=WAIT):
        start.begin()

    assert shown == []  # nothing to read ahead of Store.open, which made the database
    assert frame.home.title.text() == "欢迎使用住房公积金单位网厅客户端"
    assert frame.unit_label.text() == "当前单位：无（请先添加单位）"


def test_an_entry_clicked_while_loading_opens_once_filled(
    qtbot: QtBot, frame: MainWindow, start: WindowStart, services: AppServices
) -> None:
    services.units.add("100001", "开封市示范机械厂")
    item = next(i for i in frame.entry_items() if i.text(0) == "个人账户封存")
    rect = frame.tree.visualItemRect(item)
    qtbot.mouseClick(frame.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert frame.current_page() is frame.home  # nothing to build it with yet, and no crash

    with qtbot.waitSignal(frame.filled, timeout=WAIT):
        start.begin()

    page = frame.current_page()
    assert page is not frame.home and page is not None
    assert page.objectName() == f"page-{item.data(0, Qt.ItemDataRole.UserRole)}"
    assert frame.tree.currentItem() is item


def test_a_database_from_a_newer_client_ends_the_start_with_a_message(
    qtbot: QtBot, frame: MainWindow, start: WindowStart, capfd: pytest.CaptureFixture[str]
) -> None:
    database: Path = paths.database_path()
    AppServices.open().close()
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")

    start.begin()
    qtbot.waitUntil(lambda: start.failed is not None, timeout=WAIT)

    assert "无法启动" in capfd.readouterr().err
    assert start.exit_code == 1 and not frame.isVisible() and not frame.filled_in
