"""The login dialog and the main window against a real fundserver process."""

from __future__ import annotations

import socket

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services.context import AppServices
from app.services.roster import RosterService
from app.services.session import CentreSession
from app.views.main_window import MainWindow
from fundserver.demo import DemoCredentials

pytestmark = pytest.mark.e2e


@pytest.fixture
def window(qtbot: QtBot, services: AppServices) -> MainWindow:
    main = MainWindow(services, session=CentreSession(services))
    qtbot.addWidget(main)
    main.show()
    return main


def test_login_fills_the_unit_and_syncs_the_roster(
    qtbot: QtBot,
    window: MainWindow,
    services: AppServices,
    fundserver_url: str,
    demo_credentials: DemoCredentials,
) -> None:
    window.show_login(
        server_url=fundserver_url, unit_code=demo_credentials.unit_code, hint="演示模式"
    )
    dialog = window.login_dialog
    assert dialog is not None and dialog.unit_edit.text() == demo_credentials.unit_code
    qtbot.keyClicks(dialog.password_edit, demo_credentials.password)
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=15_000)
    assert window.unit_label.text() == "当前单位：开封示范科技有限公司（100001）"
    assert "在线" in window.online_label.text()
    unit = services.units.current()
    assert unit is not None
    roster = RosterService(services.store, unit.id)
    qtbot.waitUntil(lambda: roster.count() == 40, timeout=15_000)


def test_a_wrong_password_stays_in_the_dialog_with_the_reason(
    qtbot: QtBot, window: MainWindow, fundserver_url: str, demo_credentials: DemoCredentials
) -> None:
    window.show_login(server_url=fundserver_url, unit_code=demo_credentials.unit_code)
    dialog = window.login_dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.password_edit, "not-the-password")
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.login_button.isEnabled(), timeout=15_000)
    assert "密码" in dialog.error.text()
    assert dialog.isVisible() and dialog.outcome is None
    assert "离线" in window.online_label.text()


def test_an_unreachable_server_is_named_offline(
    qtbot: QtBot, window: MainWindow, demo_credentials: DemoCredentials
) -> None:
    with socket.socket() as probe:  # a port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    window.show_login(server_url=f"http://127.0.0.1:{port}", unit_code=demo_credentials.unit_code)
    dialog = window.login_dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.password_edit, "x")
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.login_button.isEnabled(), timeout=15_000)
    assert "无法连接" in dialog.error.text()
