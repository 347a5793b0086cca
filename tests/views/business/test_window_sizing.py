"""Nothing clipped: tree, 清册 columns, combos, the form at 1024×768 and scaled (issue 8 point 20).

Windows scaling of 125 % / 150 % on a 1024×768 screen leaves 819×614 / 683×512 device-independent
pixels; a window of that size here is what the clerk's window is there.
"""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QComboBox, QLabel, QStyle, QStyleOptionComboBox, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from app.services.context import AppServices
from app.services.roster import LookupKey, RosterService
from app.services.scanning import DeviceInfo, Source, default_scanner
from app.views.attachments.device_picker import DevicePicker
from app.views.business.import_page import ImportPage
from app.views.business.pending_page import PendingPage
from app.views.main_window import MainWindow
from app.views.pages import page_factories
from app.views.person_dialog import PersonDialog
from tests.ids import gb11643
from tests.qt_typing import type_text
from tests.views.business.test_open_account_form import fully_visible, make_unit

ID = "41020319880516001" + gb11643("41020319880516001")


def window_of(qtbot: QtBot, services: AppServices, width: int, height: int) -> MainWindow:
    window = MainWindow(services, pages=page_factories(services))
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    return window


def text_fits(window: MainWindow, item: QTreeWidgetItem) -> bool:
    tree = window.tree
    needed = QFontMetrics(item.font(0)).horizontalAdvance(item.text(0))  # group names are bold
    return tree.visualItemRect(item).left() + needed <= tree.viewport().width()


def tree_items(window: MainWindow) -> list[QTreeWidgetItem]:
    groups = [window.tree.topLevelItem(i) for i in range(window.tree.topLevelItemCount())]
    return [g for g in groups if g is not None] + window.entry_items()


@pytest.mark.parametrize("size", [(800, 600), (640, 480)])
def test_the_tree_shows_every_entry_whole(
    qtbot: QtBot, services: AppServices, size: tuple[int, int]
) -> None:
    window = window_of(qtbot, services, *size)
    window.splitter.setSizes([40, 2000])  # a squeezed tree (or an old saved layout) is refused
    qtbot.waitUntil(lambda: all(text_fits(window, item) for item in tree_items(window)))


def test_both_lists_show_a_whole_id_number(qtbot: QtBot, services: AppServices) -> None:
    make_unit(services)
    window = window_of(qtbot, services, 1024, 768)
    single = window.open_page("open-account")
    assert isinstance(single, PendingPage)
    single.pending.add({"name": "王建国", "id_number": ID, "mobile": "13903781234", "base": "5000"})
    single.refresh()
    batch = window.open_page("open-account-batch")
    assert isinstance(batch, ImportPage)
    for panel in (single.list, batch.list):
        column = [f.key for f in panel.model.columns].index("id_number")
        width = panel.table.fontMetrics().horizontalAdvance(ID)
        assert panel.table.columnWidth(column) > width


def combo_text_fits(combo: QComboBox) -> bool:
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    return field.width() >= combo.fontMetrics().horizontalAdvance(combo.currentText())


def test_the_source_combo_shows_a_whole_source_name(qtbot: QtBot) -> None:
    picker = DevicePicker(default_scanner())
    qtbot.addWidget(picker)
    picker.show()  # sized while it says 平板 …
    device = DeviceInfo("x:0", "Acme", "S1", "sane", sources=[Source.FLATBED, Source.ADF])
    picker.set_devices([device])  # … then the scanner's sources arrive
    picker.select_source(Source.ADF)
    assert picker.source.currentText() == "自动进纸器"
    # However tight the panel gets, a layout never squeezes a combo below its minimum size.
    picker.source.resize(picker.source.minimumSizeHint())
    assert combo_text_fits(picker.source)


@pytest.mark.parametrize("size", [(1024, 768), (819, 614), (683, 512)])
def test_the_form_with_three_errors_is_usable_at_every_scale(
    qtbot: QtBot, services: AppServices, size: tuple[int, int]
) -> None:
    make_unit(services)
    window = window_of(qtbot, services, *size)
    page = window.open_page("open-account")
    assert isinstance(page, PendingPage)
    type_text(qtbot, page.form.editors["name"].widget, "王建国")
    page.add_row()
    id_edit = page.form.editors["id_number"].widget
    digits = id_edit.fontMetrics().horizontalAdvance(ID)

    def usable() -> bool:
        return (
            fully_visible(page.add_button, window)
            and fully_visible(page.message, window)
            and fully_visible(page.list.buttons["submit"], window)
            and id_edit.width() > digits
            and not page.form_scroll.horizontalScrollBar().isVisible()
        )

    qtbot.waitUntil(usable)
    assert page.message.text() == "有 3 处需要修改，见各项旁的提示。"


def test_the_submit_dialog_fits_the_screen_with_submit_in_view(
    qtbot: QtBot, services: AppServices
) -> None:
    make_unit(services)
    window = window_of(qtbot, services, 800, 600)
    page = window.open_page("open-account")
    assert isinstance(page, PendingPage)
    page.pending.add({"name": "王建国", "id_number": ID, "mobile": "13903781234", "base": "5000"})
    page.refresh()
    page.submit_all()
    qtbot.waitUntil(lambda: page.submit_dialog is not None and page.submit_dialog.isVisible())
    dialog = page.submit_dialog
    assert dialog is not None
    room = dialog.screen().availableGeometry()
    assert dialog.width() <= room.width() and dialog.height() <= room.height()
    qtbot.waitUntil(lambda: fully_visible(dialog.submit_button, dialog))
    dialog.reject()


def test_find_person_fits_a_screen_scaled_to_150_percent(
    qtbot: QtBot, services: AppServices
) -> None:
    unit = services.units.add("100001", "开封市示范机械厂")
    dialog = PersonDialog(RosterService(services.store, unit.id))
    qtbot.addWidget(dialog)
    narrowest = max(dialog.minimumWidth(), dialog.minimumSizeHint().width())
    assert narrowest <= 683 - 24  # 1024×768 at 150 %, less the window frame
    dialog.resize(narrowest, dialog.height())
    dialog.show()
    id_edit = dialog.lookup.edits[LookupKey.ID_NUMBER]
    qtbot.waitUntil(lambda: id_edit.width() > id_edit.fontMetrics().horizontalAdvance(ID))


@pytest.mark.parametrize("size", [(1024, 768), (683, 512)])
def test_the_batch_steps_are_never_cut(
    qtbot: QtBot, services: AppServices, size: tuple[int, int]
) -> None:
    make_unit(services)
    window = window_of(qtbot, services, *size)
    page = window.open_page("open-account-batch")
    assert isinstance(page, ImportPage)
    hint = next(w for w in page.findChildren(QLabel) if w.text().startswith("用 Excel"))

    def whole() -> bool:  # the wrapped hint has the lines it needs; the buttons their height
        return (
            hint.height() >= hint.heightForWidth(hint.width())
            and page.choose_button.height() >= page.choose_button.sizeHint().height()
            and page.template_button.height() >= page.template_button.sizeHint().height()
        )

    qtbot.waitUntil(whole)
    assert page.list.height() >= 150  # and the 清册 keeps its room
