"""The main window as a clerk meets it: the tree, the unit switcher, the status bar."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from app.services.context import AppServices
from app.views import window_geometry
from app.views.main_window import MainWindow
from app.views.unit_dialog import AddUnitDialog
from tests.qt_typing import type_text

EXPECTED_TREE = {
    "个人账户管理": ["个人开户（单笔）", "个人开户（批量）", "开户查询"],
    "变更业务": [
        "个人账户封存",
        "个人账户封存（批量）",
        "个人账户启封",
        "个人账户启封（批量）",
        "封存启封查询",
        "缴存比例调整",
        "缴存比例调整查询",
        "缴存基数调整",
        "缴存基数调整查询",
        "内部转移",
        "内部转移查询",
    ],
    "缴存业务": ["汇缴核定", "补缴核定", "核定查询"],
}


def make_window(qtbot: QtBot, services: AppServices, **kwargs: object) -> MainWindow:
    window = MainWindow(services, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def tree_labels(window: MainWindow) -> dict[str, list[str]]:
    tree = window.tree
    result = {}
    for i in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(i)
        assert group is not None
        result[group.text(0)] = [group.child(j).text(0) for j in range(group.childCount())]
    return result


def test_tree_shows_all_three_groups_and_their_entries(qtbot: QtBot, services: AppServices) -> None:
    window = make_window(qtbot, services)
    assert tree_labels(window) == EXPECTED_TREE


def test_unbuilt_businesses_are_disabled_and_say_so(qtbot: QtBot, services: AppServices) -> None:
    window = make_window(qtbot, services)
    item = window.entry_item("transfer")
    assert not item.flags() & Qt.ItemFlag.ItemIsEnabled
    assert "尚未开放" in item.toolTip(0)
    window.tree.setCurrentItem(item)
    assert window.current_page() is window.home


def test_a_registered_page_opens_from_the_tree_by_keyboard(
    qtbot: QtBot, services: AppServices
) -> None:
    made: list[QWidget] = []

    def factory() -> QWidget:
        page = QLabel("封存页面")
        made.append(page)
        return page

    window = make_window(qtbot, services, pages={"seal": factory})
    assert window.entry_item("seal").flags() & Qt.ItemFlag.ItemIsEnabled
    window.tree.setFocus()
    window.tree.setCurrentItem(window.entry_item("open-account"))
    # 个人开户（单笔） is disabled, so arrow keys skip the disabled entries to reach 个人账户封存.
    window.tree.setCurrentItem(window.tree.topLevelItem(1))
    qtbot.keyClick(window.tree, Qt.Key.Key_Down)
    assert window.tree.currentItem() is window.entry_item("seal")
    assert window.current_page() is made[0]
    # Opening it again reuses the same page (nothing typed on it is lost).
    window.tree.setCurrentItem(window.tree.topLevelItem(0))
    window.tree.setCurrentItem(window.entry_item("seal"))
    assert len(made) == 1


def test_status_bar_and_unit_switcher(qtbot: QtBot, services: AppServices) -> None:
    window = make_window(qtbot, services)
    assert "请先添加单位" in window.unit_label.text()
    services.units.add("100001", "开封市示范机械厂")
    services.units.add("200002", "开封市第二示范单位")
    window.refresh_units()
    assert window.unit_box.count() == 2
    assert window.unit_label.text() == "当前单位：开封市示范机械厂（100001）"
    assert window.outbox_label.text() == "待上传：0"
    assert "离线" in window.online_label.text()

    with qtbot.waitSignal(window.unit_changed) as changed:
        window.unit_box.setCurrentIndex(1)
        window.unit_box.activated.emit(1)
    assert changed.args == ["200002"]
    assert services.units.current().code == "200002"  # type: ignore[union-attr]
    assert "开封市第二示范单位" in window.unit_label.text()
    assert window.home.title.text() == "开封市第二示范单位"


def test_add_unit_dialog_shows_errors_beside_the_form(qtbot: QtBot, services: AppServices) -> None:
    dialog = AddUnitDialog(services.units)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.code_edit, "12")
    type_text(qtbot, dialog.name_edit, "开封市示范机械厂")
    dialog._add()
    assert "4–32 位" in dialog.error_label.text()
    assert dialog.added is None

    dialog.code_edit.clear()
    type_text(qtbot, dialog.code_edit, "100001")
    dialog._add()
    assert dialog.added is not None
    assert dialog.added.name == "开封市示范机械厂"
    assert [u.code for u in services.units.list()] == ["100001"]


def test_window_remembers_its_geometry(qtbot: QtBot, services: AppServices) -> None:
    window = make_window(qtbot, services)
    window.resize(780, 560)
    window.splitter.setSizes([300, 480])
    window.close()
    again = make_window(qtbot, services)
    assert (again.width(), again.height()) == (780, 560)
    assert again.splitter.sizes()[0] == 300


def test_uncaught_exception_is_logged_and_shown(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    import sys

    from app.views.qt_support import install_excepthook

    shown: list[str] = []
    previous = sys.excepthook
    install_excepthook(shown.append)
    try:
        try:
            raise RuntimeError("boom")
        except RuntimeError as exc:
            with caplog.at_level(logging.CRITICAL):
                sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        sys.excepthook = previous
    assert "RuntimeError: boom" in caplog.text and "Traceback" in caplog.text
    assert "程序遇到意外错误" in shown[0] and "gjj-desk.log" in shown[0]


def test_work_finishing_after_its_page_closed_tells_nobody(qtbot: QtBot) -> None:
    """A unit switch closes pages while their background work runs: no callback on a dead page."""
    import threading

    import shiboken6

    from app.views.ops import Op

    page = QLabel("清册")
    told: list[object] = []
    gate = threading.Event()

    def work(_ctx: object) -> int:
        gate.wait(10)
        return 42

    op = Op(page, work).success(told.append).run()
    page.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(page))
    with qtbot.waitSignal(op.signals.finished, timeout=10_000):
        gate.set()
    assert told == []


def test_the_window_fits_the_screen_the_first_time_and_after_a_bigger_one(
    qtbot: QtBot, services: AppServices
) -> None:
    screen = make_window(qtbot, services).screen().availableGeometry()
    first = make_window(qtbot, services)
    assert first.width() <= screen.width() and first.height() <= screen.height()

    # A size kept from a bigger monitor, far off this screen's area.
    first.setGeometry(screen.x() + 3000, screen.y() + 2000, 2400, 1600)
    first.close()  # keeps the geometry in the settings
    again = make_window(qtbot, services)
    assert again.width() <= screen.width() and again.height() <= screen.height()
    assert screen.contains(again.geometry().topLeft())  # on this screen, not off it


def _sized(width: int, height: int) -> QWidget:
    page = QLabel("一个较大的页面")
    page.setMinimumSize(width, height)
    return page


def test_the_window_grows_to_fit_a_bigger_page_within_the_screen(
    qtbot: QtBot, services: AppServices
) -> None:
    pages = {
        "open-account": lambda: _sized(500, 600),
        "seal": lambda: _sized(4000, 3000),
        "unseal": lambda: _sized(100, 100),
    }
    window = make_window(qtbot, services, pages=pages)
    window.resize(window.minimumSize())  # 640×480: the page would be squeezed, 提交 cut off
    screen = window.screen().availableGeometry()

    page = window.open_page("open-account")
    qtbot.waitUntil(lambda: page.width() >= 500 and page.height() >= 600)
    assert screen.contains(window.frameGeometry())  # grown, and still whole on the screen

    window.open_page("seal")  # larger than any screen: as large as this one, never beyond
    qtbot.waitUntil(lambda: window.frameGeometry().size() == screen.size())
    assert screen.contains(window.frameGeometry())

    grown = window.size()
    window.open_page("unseal")  # a small page never shrinks what the window is
    assert window.size() == grown


def test_a_window_too_big_for_the_screen_leaves_room_for_its_title_bar(
    qtbot: QtBot, services: AppServices
) -> None:
    """Fitted before it is shown (at start), the window's frame is not known yet: its status bar
    must still end on the screen, below a title bar of the usual height."""
    first = make_window(qtbot, services)
    screen = first.screen().availableGeometry()
    first.resize(screen.width() + 400, screen.height() + 400)  # kept from a bigger screen
    first.close()
    again = MainWindow(services)
    qtbot.addWidget(again)
    assert again.height() + window_geometry.UNSHOWN_FRAME.height() <= screen.height()
    assert again.width() + window_geometry.UNSHOWN_FRAME.width() <= screen.width()


FRAME = window_geometry.UNSHOWN_FRAME
MINIMUM = QSize(640, 480)


@pytest.mark.parametrize(
    ("screen", "at_least"),
    [
        (QRect(0, 0, 1920, 1080), QSize(1500, 850)),  # a clerk's big screen: ~80 % of it
        (QRect(0, 0, 1024, 768), QSize(1000, 700)),  # a small one: as much as fits
        (QRect(1920, 0, 2560, 1400), QSize(1680, 1050)),  # a second, larger monitor: capped
        (QRect(0, 0, 800, 600), MINIMUM),
    ],
)
def test_the_first_start_opens_most_of_the_screen_centred_and_whole(
    screen: QRect, at_least: QSize
) -> None:
    place = window_geometry.first_place(screen, FRAME, MINIMUM)
    outer = QRect(place.topLeft(), place.size() + FRAME)  # with its title bar and borders

    assert place.width() >= at_least.width() and place.height() >= at_least.height()
    assert place.size().boundedTo(window_geometry.LARGEST) == place.size()
    assert screen.contains(outer)  # the title bar and the status bar both on the screen
    left, right = outer.left() - screen.left(), screen.right() - outer.right()
    top, bottom = outer.top() - screen.top(), screen.bottom() - outer.bottom()
    assert abs(left - right) <= 1 and abs(top - bottom) <= 1  # centred


def test_the_first_size_is_kept_for_the_next_start(qtbot: QtBot, services: AppServices) -> None:
    window = MainWindow(services)
    qtbot.addWidget(window)
    screen = window.screen().availableGeometry()
    expected = window_geometry.first_place(screen, FRAME, window.minimumSize())
    assert window.size() == expected.size()  # nothing saved yet: the first start's size
    window.show()
    qtbot.waitExposed(window)
    window.resize(700, 500)  # the clerk's choice
    window.close()  # kept in the settings

    again = make_window(qtbot, services)
    assert again.size() == QSize(700, 500)
