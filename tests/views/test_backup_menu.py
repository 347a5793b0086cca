"""文件 → 备份数据 / 恢复数据 in the main window, and the backup reminder in the status bar."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMenu, QMessageBox
from pytestqt.qtbot import QtBot

from app.services.backup import LAST_BACKUP_KEY, BackupService
from app.services.context import AppServices
from app.services.settings import Settings
from app.views.main_window import MainWindow


def make_window(qtbot: QtBot, services: AppServices) -> MainWindow:
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_the_file_menu_offers_backup_and_restore(qtbot: QtBot, services: AppServices) -> None:
    window = make_window(qtbot, services)

    (menu,) = [a.menu() for a in window.menuBar().actions()]
    assert isinstance(menu, QMenu) and menu.title() == "文件(&F)"
    assert [a.text() for a in menu.actions()] == ["备份数据…", "恢复数据…"]


def test_an_overdue_backup_is_mentioned_in_the_status_bar(
    qtbot: QtBot, services: AppServices
) -> None:
    old = datetime.now() - timedelta(days=10)
    services.settings.set(LAST_BACKUP_KEY, old.isoformat(timespec="seconds"))

    window = make_window(qtbot, services)

    qtbot.waitUntil(lambda: "10 天前" in window.statusBar().currentMessage())


def test_backup_from_the_window_then_restore_replaces_the_data_and_closes(
    qtbot: QtBot, services: AppServices, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.units.add("100001", "开封市示范机械厂")
    window = make_window(qtbot, services)
    menu = window.backup_menu
    target = tmp_path / "窗口备份.gjjbak"
    services.settings.set("backup_reminder_days", 30)  # kept in the backup

    op = menu.backup(target)
    assert op is not None
    qtbot.waitUntil(lambda: menu.op is None, timeout=30_000)
    assert target.is_file() and "已备份到" in window.statusBar().currentMessage()
    assert BackupService(services.store, services.settings).reminder() is None

    services.units.add("100002", "备份之后添加的单位")
    services.settings.set("backup_reminder_days", 3)  # changed after it
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda _w, _t, text: told.append(text))

    assert menu.restore(target) is not None
    qtbot.waitUntil(lambda: menu.op is None, timeout=30_000)

    assert menu.restored is not None and "已恢复" in told[0] and "replaced-" in told[0]
    assert not window.isVisible()  # closing saved the window's place into the restored settings
    assert Settings(services.settings.path).get("backup_reminder_days") == 30
    again = AppServices.open()
    try:
        assert [u.code for u in again.units.list()] == ["100001"]
    finally:
        again.close()


def test_a_bad_file_is_refused_in_a_message_and_nothing_changes(
    qtbot: QtBot, services: AppServices, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.units.add("100001", "开封市示范机械厂")
    window = make_window(qtbot, services)
    bogus = tmp_path / "bogus.gjjbak"
    bogus.write_bytes(b"PK not really")
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda _w, _t, text: warned.append(text))

    assert window.backup_menu.restore(bogus) is not None
    qtbot.waitUntil(lambda: window.backup_menu.op is None, timeout=30_000)

    assert "bogus.gjjbak" in warned[0] and "不能用来恢复" in warned[0]
    assert window.isVisible()
    assert [u.code for u in services.units.list()] == ["100001"]
