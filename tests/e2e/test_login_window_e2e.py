"""The login dialog and the main window against a real fundserver process."""

from __future__ import annotations

import socket

import keyring
import keyring.backends.null
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from app.services.context import AppServices
from app.services.roster import RosterService
from app.services.session import CentreSession
from app.views.main_window import MainWindow
from app.views.pages import page_factories
from fundserver.demo import DemoCredentials
from tests.qt_typing import type_text

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
    # While it is under way the line says so, not in an error's red.
    assert (dialog.error.text(), dialog.error.property("state")) == ("正在登录…", "info")
    qtbot.waitUntil(lambda: dialog.login_button.isEnabled(), timeout=15_000)
    assert "密码" in dialog.error.text() and dialog.error.property("state") == "error"
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


def log_in(qtbot: QtBot, window: MainWindow, url: str, unit_code: str, password: str) -> None:
    window.show_login(server_url=url, unit_code=unit_code)
    dialog = window.login_dialog
    assert dialog is not None and dialog.unit_edit.text() == unit_code
    qtbot.keyClicks(dialog.password_edit, password)
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=15_000)


def name_field(page: QWidget | None) -> QLineEdit:
    assert page is not None
    field = page.findChild(QLineEdit, "field-name")
    assert field is not None
    return field


def test_logging_in_keeps_a_half_filled_form_also_across_units(
    qtbot: QtBot, services: AppServices, fundserver_url: str, demo_credentials: DemoCredentials
) -> None:
    services.units.add(demo_credentials.unit_code, "开封示范科技有限公司")
    main = MainWindow(services, page_factories(services), session=CentreSession(services))
    qtbot.addWidget(main)
    main.show()
    form = main.open_page("open-account")
    type_text(qtbot, name_field(form), "张三")

    log_in(qtbot, main, fundserver_url, demo_credentials.unit_code, demo_credentials.password)
    assert main.current_page() is form  # not rebuilt: the typing is still there
    assert name_field(form).text() == "张三"
    assert main.login_label.text() == "已登录"

    log_in(qtbot, main, fundserver_url, "100002", demo_credentials.password)  # another unit
    assert main.unit_label.text().endswith("（100002）")
    other = main.current_page()
    assert other is not form and name_field(other).text() == ""

    index = main.unit_box.findData(demo_credentials.unit_code)
    main.unit_box.setCurrentIndex(index)
    main.unit_box.activated.emit(index)
    assert main.current_page() is form and name_field(form).text() == "张三"
    assert main.login_label.text() == "已登录"  # still logged in there too


def test_a_keyring_that_drops_secrets_still_logs_in_and_says_for_how_long(
    qtbot: QtBot, window: MainWindow, services: AppServices, fundserver_url: str,
    demo_credentials: DemoCredentials,
) -> None:  # fmt: skip
    keyring.set_keyring(keyring.backends.null.Keyring())  # what `keyring --disable` selects
    window.show_login(server_url=fundserver_url, unit_code=demo_credentials.unit_code)
    dialog = window.login_dialog
    assert dialog is not None
    # Said before the clerk relies on it: the login will not outlast the program.
    assert dialog.keyring_note.isVisible() and "关闭后需重新登录" in dialog.keyring_note.text()
    assert not dialog.remember.isEnabled() and "无法保存" in dialog.remember.text()
    qtbot.keyClicks(dialog.password_edit, demo_credentials.password)
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=15_000)
    assert dialog.outcome is not None and not dialog.outcome.password_remembered
    assert window.login_label.text() == "已登录（仅本次运行）"
    assert "钥匙串" in window.login_label.toolTip()
    assert "关闭后需重新登录" in window.statusBar().currentMessage()
    unit = services.units.current()
    assert unit is not None
    roster = RosterService(services.store, unit.id)
    qtbot.waitUntil(lambda: roster.count() == 40, timeout=15_000)  # the login works meanwhile
    assert "在线" in window.online_label.text()
