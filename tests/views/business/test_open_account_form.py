"""The 开户 form as a clerk meets it in the window: errors, Enter, re-checks, ratios (issue 8)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app.models import Unit
from app.services.context import AppServices
from app.views.business.import_page import ImportPage
from app.views.business.pending_page import PendingPage
from app.views.main_window import MainWindow
from app.views.pages import page_factories
from tests.ids import gb11643
from tests.qt_typing import type_text

WANG = "41020319880516001" + gb11643("41020319880516001")


def make_unit(services: AppServices, *, ratios: bool = True) -> None:
    unit = services.units.add("100001", "开封市示范机械厂")
    if ratios:
        with services.store.session() as session:
            profile = {"unit_ratio": "0.12", "personal_ratio": "0.12"}
            session.get_one(Unit, unit.id).profile = profile


def open_in_window(
    qtbot: QtBot, services: AppServices, width: int = 1024, height: int = 768
) -> tuple[MainWindow, PendingPage]:
    window = MainWindow(services, pages=page_factories(services))
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    page = window.open_page("open-account")
    assert isinstance(page, PendingPage)
    return window, page


@pytest.fixture
def window_page(qtbot: QtBot, services: AppServices) -> tuple[MainWindow, PendingPage]:
    make_unit(services)
    return open_in_window(qtbot, services)


def editor(page: PendingPage, key: str) -> QLineEdit:
    widget = page.form.editors[key].widget
    assert isinstance(widget, QLineEdit)
    return widget


def fully_visible(widget: QWidget, window: QWidget) -> bool:
    """Shown, not clipped by a scroll area, and inside the window."""
    if not widget.isVisible() or widget.visibleRegion().boundingRect() != widget.rect():
        return False
    top_left = widget.mapTo(window, QPoint(0, 0))
    return window.rect().contains(QRect(top_left, widget.size()))


def three_errors(qtbot: QtBot, page: PendingPage) -> None:
    type_text(qtbot, editor(page, "name"), "王建国")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    shown = [k for k, e in page.form.editors.items() if e.error.isVisible()]
    assert shown == ["id_number", "mobile", "base"]


# --- 6: errors never hide the buttons; the list takes the window's extra space ---------------
def test_three_errors_leave_add_and_the_message_in_view_at_1024x768(
    qtbot: QtBot, window_page: tuple[MainWindow, PendingPage]
) -> None:
    window, page = window_page
    three_errors(qtbot, page)
    qtbot.waitUntil(lambda: all(e.error.isVisible() for e in (page.form.editors["base"],)))

    def in_view() -> bool:
        widgets = (page.add_button, page.clear_button, page.message)
        errors = [page.form.editors[k].error for k in ("id_number", "mobile", "base")]
        return all(fully_visible(w, window) for w in (*widgets, *errors))

    qtbot.waitUntil(in_view)
    assert page.message.text() == "有 3 处需要修改，见各项旁的提示。"
    assert page.list.height() >= 150  # and the list still shows rows


def test_a_bigger_window_gives_its_space_to_the_list_only(
    qtbot: QtBot, window_page: tuple[MainWindow, PendingPage]
) -> None:
    window, page = window_page
    qtbot.waitUntil(lambda: page.form_pane.height() > 0)
    form_before, list_before = page.form_pane.height(), page.list.height()
    window.resize(1600, 1150)
    qtbot.waitUntil(lambda: page.list.height() > list_before + 300)
    assert page.form_pane.height() == form_before
    assert not page.form.more_box.isVisible()  # 添加更多信息 stays folded


# --- 7: Enter adds from the last field or on 添加; the tooltip says so ------------------------
def fill_basic(qtbot: QtBot, page: PendingPage) -> None:
    type_text(qtbot, editor(page, "name"), "王建国")
    page.form.changed.emit()
    for key, text in (("id_number", WANG), ("mobile", "13903781234"), ("base", "6200")):
        qtbot.keyClicks(editor(page, key), text)


def test_enter_moves_on_and_in_the_last_field_adds(
    qtbot: QtBot, window_page: tuple[MainWindow, PendingPage]
) -> None:
    _window, page = window_page
    fill_basic(qtbot, page)
    qtbot.keyClick(editor(page, "name"), Qt.Key.Key_Return)
    assert page.model.rowCount() == 0
    assert page.form.editors["id_type"].widget.hasFocus()  # Enter went on to the next field
    last = page.form.visible_inputs()[-1]
    assert last is editor(page, "start_month")
    qtbot.keyClick(last, Qt.Key.Key_Return)
    assert page.model.rowCount() == 1
    assert "已添加到待开户清册：王建国" in page.message.text()


def test_enter_on_the_add_button_adds_and_its_tooltip_names_the_keys(
    qtbot: QtBot, window_page: tuple[MainWindow, PendingPage]
) -> None:
    _window, page = window_page
    assert "Ctrl+Enter" in page.add_button.toolTip()
    assert "Enter" in page.add_button.toolTip().replace("Ctrl+Enter", "")
    fill_basic(qtbot, page)
    page.add_button.setFocus()
    qtbot.keyClick(page.add_button, Qt.Key.Key_Return)
    assert page.model.rowCount() == 1


# --- 8: a corrected field loses its mark as it is typed --------------------------------------
def test_a_corrected_field_loses_its_error_at_once(
    qtbot: QtBot, window_page: tuple[MainWindow, PendingPage]
) -> None:
    _window, page = window_page
    three_errors(qtbot, page)
    qtbot.keyClicks(editor(page, "mobile"), "13903781234")
    assert not page.form.editors["mobile"].error.isVisible()
    assert page.form.editors["base"].error.text() == "请填写缴存基数"
    assert page.message.text() == "有 2 处需要修改，见各项旁的提示。"
    qtbot.keyClicks(editor(page, "id_number"), "12345")  # still wrong: reworded, not dropped
    assert "现为5位" in page.form.editors["id_number"].error.text()
    editor(page, "id_number").clear()
    qtbot.keyClicks(editor(page, "id_number"), WANG)
    qtbot.keyClicks(editor(page, "base"), "6200")
    assert not any(e.error.isVisible() for e in page.form.editors.values())
    assert page.message.text() == "已改正，可以添加了。"


# --- 9: ratios read 12% in the list, 浏览 and 修改 --------------------------------------------
def test_ratios_read_the_same_in_list_browse_and_modify(
    qtbot: QtBot, window_page: tuple[MainWindow, PendingPage]
) -> None:
    _window, page = window_page
    fill_basic(qtbot, page)
    page.add_row()
    column = [f.key for f in page.model.columns].index("unit_ratio")
    assert page.proxy.index(0, column).data() == "12%"
    page.table.selectRow(0)
    page.browse()
    assert page.detail_dialog is not None
    shown = {w.objectName(): w.text() for w in page.detail_dialog.findChildren(QLabel)}
    assert shown["detail-unit_ratio"] == shown["detail-personal_ratio"] == "12%"
    assert shown["detail-base"] == "6,200.00"
    page.detail_dialog.close()
    page.modify()
    assert editor(page, "unit_ratio").text() == editor(page, "personal_ratio").text() == "12%"
    page.add_row()  # saved unchanged
    assert page.proxy.index(0, column).data() == "12%"


# --- 10: unknown ratios: each field names itself, and the form says how to get them ----------
def test_unknown_ratios_name_their_own_field_and_say_how_to_get_them(
    qtbot: QtBot, services: AppServices
) -> None:
    make_unit(services, ratios=False)
    _window, page = open_in_window(qtbot, services)
    assert page.notice.isVisible()
    assert "登录" in page.notice.text()
    fill_basic(qtbot, page)
    page.add_row()
    unit = page.form.editors["unit_ratio"].error.text()
    personal = page.form.editors["personal_ratio"].error.text()
    assert "单位缴存比例" in unit and "个人" not in unit
    assert "个人缴存比例" in personal and "单位缴存比例" not in personal
    assert page.form.editors["personal_ratio"].error.isVisible()  # 更多信息 opened to show it


# --- 16: the template download and batch import beside the form, as in the manual -----------
def test_the_single_page_offers_the_template_and_opens_the_batch_import(
    qtbot: QtBot, window_page: tuple[MainWindow, PendingPage], tmp_path: Path
) -> None:
    window, page = window_page
    assert page.template_button is not None
    assert page.template_button.text() == "身份证批量开户模版下载"
    page.save_template(str(tmp_path / "模版.xlsx"))
    assert (tmp_path / "模版.xlsx").is_file() and "模版已保存" in page.message.text()
    link = page.findChild(QPushButton, "batchImportLink")
    assert link is not None
    qtbot.mouseClick(link, Qt.MouseButton.LeftButton)
    batch = window.current_page()
    assert isinstance(batch, ImportPage)
    assert window.tree.currentItem() is window.entry_item("open-account-batch")
