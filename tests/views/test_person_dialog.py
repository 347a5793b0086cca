"""查找职工 from the toolbar: one key typed, the rest filled from the local roster."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services.context import AppServices
from app.services.roster import LookupKey, RosterService
from app.views.main_window import MainWindow
from tests.qt_typing import type_text


def test_find_a_person_by_name_from_the_toolbar(qtbot: QtBot, services: AppServices) -> None:
    unit = services.units.add("100001", "开封示范科技有限公司")
    RosterService(services.store, unit.id).apply_page(
        [
            {
                "account_no": "10000100007",
                "name": "周婷",
                "id_type": "居民身份证",
                "id_number": "410203199203150026",
                "sex": "女",
                "birth_date": "1992-03-15",
                "status": "正常",
                "base": "6200.00",
                "unit_ratio": "0.12",
                "personal_ratio": "0.12",
                "monthly_amount": "1488.00",
                "opened_on": "2020-07-01",
                "paid_to": "2026-10",
                "version": 3,
            }
        ],
        version=3,
    )
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    window.find_action.trigger()
    dialog = window.person_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.activateWindow()  # focus moves (and the field is left) only in the active window
    qtbot.waitUntil(dialog.isActiveWindow)
    name = dialog.lookup.edits[LookupKey.NAME]
    type_text(qtbot, name, "周婷")
    popup = name.completer().popup()
    if popup is not None:
        popup.hide()  # as Esc would: leaving the field is what fills the others
    qtbot.keyClick(name, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: dialog.lookup.edits[LookupKey.ACCOUNT_NO].text() == "10000100007")
    assert dialog.lookup.status_edit.text() == "正常"
    assert dialog.details["unit_ratio"].text() == "12%"
    assert dialog.details["paid_to"].text() == "2026-10"
