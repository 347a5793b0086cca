"""Units and logins in the main window: what the clerk sees, and that nothing typed is lost."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from app.services.context import AppServices
from app.services.session import CentreSession
from app.views.main_window import MainWindow
from app.views.pages import page_factories
from tests.qt_typing import type_text


@pytest.fixture
def window(qtbot: QtBot, services: AppServices) -> MainWindow:
    """The real window with its real pages and a login session (no server needed here)."""
    main = MainWindow(services, page_factories(services), session=CentreSession(services))
    qtbot.addWidget(main)
    main.resize(1024, 768)
    main.show()
    qtbot.waitExposed(main)
    return main


def switch_to(qtbot: QtBot, window: MainWindow, code: str) -> None:
    index = window.unit_box.findData(code)
    with qtbot.waitSignal(window.unit_changed):
        window.unit_box.setCurrentIndex(index)
        window.unit_box.activated.emit(index)


def name_field(page: QWidget) -> QLineEdit:
    field = page.findChild(QLineEdit, "field-name")
    assert field is not None
    return field


def test_adding_a_unit_asks_for_its_login_and_shows_online_and_login_apart(
    qtbot: QtBot, window: MainWindow, services: AppServices
) -> None:
    window.set_online(True)  # the centre was reached (for another unit, say)
    dialog = window.add_unit()
    type_text(qtbot, dialog.code_edit, "100002")
    type_text(qtbot, dialog.name_edit, "开封市第二示范单位")
    dialog._add()

    login = window.login_dialog
    assert login is not None and login.isVisible()
    assert login.unit_edit.text() == "100002"
    assert "100002" in login.hint.text()
    # 在线 is about the network; 未登录 is about this unit: both are on screen.
    assert window.online_label.text() == "● 在线"
    assert "未登录" in window.login_label.text() and window.login_label.isVisible()
    assert window.unit_label.text() == "当前单位：开封市第二示范单位（100002）"


def test_a_sync_with_no_login_leaves_online_alone_and_says_not_logged_in(
    qtbot: QtBot, window: MainWindow, services: AppServices
) -> None:
    services.units.add("100001", "开封市示范机械厂")
    window.refresh_units()
    window.set_online(True)
    assert window.sync is not None
    window.sync.sync_now()  # no login: the sync cannot run, which says nothing of the network
    assert window.online_label.text() == "● 在线"
    assert "未登录" in window.login_label.text()


def test_the_not_logged_in_label_opens_the_login(
    qtbot: QtBot, window: MainWindow, services: AppServices
) -> None:
    services.units.add("100001", "开封市示范机械厂")
    window.refresh_units()
    window.login_label.linkActivated.emit("login")
    assert window.login_dialog is not None and window.login_dialog.isVisible()
    assert window.login_dialog.unit_edit.text() == "100001"


def test_demo_login_is_for_the_current_unit(
    qtbot: QtBot, window: MainWindow, services: AppServices
) -> None:
    services.units.add("100001", "开封示范科技有限公司")
    services.units.add("100002", "开封市第二示范单位")
    services.units.switch("100002")
    window.refresh_units()
    window.show_demo_login("http://127.0.0.1:9")
    dialog = window.login_dialog
    assert dialog is not None
    assert dialog.unit_edit.text() == "100002"
    assert dialog.server_edit.text() == "http://127.0.0.1:9"
    assert "100002" in dialog.hint.text() and "demo1234" in dialog.hint.text()


def test_demo_login_with_no_unit_yet_offers_the_demo_unit(qtbot: QtBot, window: MainWindow) -> None:
    window.show_demo_login("http://127.0.0.1:9")
    assert window.login_dialog is not None
    assert window.login_dialog.unit_edit.text() == "100001"


def test_switching_unit_keeps_a_half_filled_form_for_each_unit(
    qtbot: QtBot, window: MainWindow, services: AppServices
) -> None:
    services.units.add("100001", "开封市示范机械厂")
    services.units.add("100002", "开封市第二示范单位")
    window.refresh_units()
    first = window.open_page("open-account")
    type_text(qtbot, name_field(first), "张三")

    switch_to(qtbot, window, "100002")
    second = window.current_page()
    assert second is not None and second is not first  # the same business, the other unit
    assert name_field(second).text() == ""
    type_text(qtbot, name_field(second), "李四")

    switch_to(qtbot, window, "100001")
    assert window.current_page() is first
    assert name_field(first).text() == "张三"
    switch_to(qtbot, window, "100002")
    assert name_field(second).text() == "李四"


def test_the_add_a_unit_placeholder_gives_way_to_the_page_once_there_is_a_unit(
    qtbot: QtBot, window: MainWindow
) -> None:
    placeholder = window.open_page("open-account")
    assert placeholder.findChild(QLineEdit, "field-name") is None
    dialog = window.add_unit()
    type_text(qtbot, dialog.code_edit, "100001")
    type_text(qtbot, dialog.name_edit, "开封市示范机械厂")
    dialog._add()
    page = window.current_page()
    assert page is not None and page.findChild(QLineEdit, "field-name") is not None
