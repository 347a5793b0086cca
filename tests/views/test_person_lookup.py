"""The person lookup field driven as a clerk drives it, over a real roster cache."""

from __future__ import annotations

from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialogButtonBox,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.services.context import AppServices
from app.services.engine.spec import RosterEntry
from app.services.roster import LookupKey, RosterService
from app.services.rules.idnumber import gb11643_check_digit, mask_id
from app.views.person_lookup import PERSON_ROLE, PersonChooserDialog, PersonLookupField
from tests.qt_typing import type_text


def make_id(seq: int, born: str = "19900101") -> str:
    first17 = f"410203{born}{seq:03d}"
    return first17 + gb11643_check_digit(first17)


ZHANG = ("00000103", "张三", make_id(103, born="19851230"), "正常")
PEOPLE = [
    ("00000101", "张三丰", make_id(101), "正常"),
    ZHANG,
    ("00000104", "王伟", make_id(104), "正常"),
    ("00000105", "王伟", make_id(105, born="19780615"), "封存"),
    ("00000106", "赵六", "41020319800101052X", "封存"),
]


def item(account_no: str, name: str, id_number: str, status: str, version: int) -> dict[str, Any]:
    return {
        "account_no": account_no,
        "name": name,
        "id_type": "居民身份证",
        "id_number": id_number,
        "status": status,
        "base": "5000.00",
        "unit_ratio": "0.12",
        "personal_ratio": "0.12",
        "monthly_amount": "1200.00",
        "paid_to": "2026-05",
        "version": version,
    }


@pytest.fixture
def roster(services: AppServices) -> RosterService:
    unit = services.units.add("100001", "开封市示例科技有限公司")
    service = RosterService(services.store, unit.id)
    service.apply_page([item(*p, version=n + 1) for n, p in enumerate(PEOPLE)], len(PEOPLE))
    return service


class Form(QWidget):
    """A business form in miniature: the lookup field and something after it to tab to."""

    def __init__(self, roster: RosterService) -> None:
        super().__init__()
        self.lookup = PersonLookupField(roster)
        self.after = QLineEdit()
        self.after.setObjectName("reasonEdit")
        layout = QVBoxLayout(self)
        layout.addWidget(self.lookup)
        layout.addWidget(self.after)


@pytest.fixture
def form(qtbot: QtBot, roster: RosterService) -> Form:
    widget = Form(roster)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


def edit(form: Form, key: LookupKey) -> QLineEdit:
    return form.lookup.edits[key]


def shown(form: Form) -> tuple[str, str, str, str]:
    return (
        edit(form, LookupKey.ACCOUNT_NO).text(),
        edit(form, LookupKey.NAME).text(),
        edit(form, LookupKey.ID_NUMBER).text(),
        form.lookup.status_edit.text(),
    )


def popup_of(field: QLineEdit) -> QAbstractItemView:
    popup = field.completer().popup()
    assert popup is not None
    return popup


def type_and_leave(qtbot: QtBot, form: Form, key: LookupKey, text: str) -> None:
    field = edit(form, key)
    type_text(qtbot, field, text)
    popup_of(field).hide()  # as Esc would: leaving is what is tested here
    qtbot.keyClick(field, Qt.Key.Key_Tab)


def test_a_name_typed_then_left_fills_the_other_fields(qtbot: QtBot, form: Form) -> None:
    with qtbot.waitSignal(form.lookup.person_selected) as signal:
        type_and_leave(qtbot, form, LookupKey.NAME, "张三")

    assert shown(form) == ZHANG
    assert form.lookup.base_edit.text() == "5,000.00"
    assert form.lookup.amount_edit.text() == "1,200.00"
    assert isinstance(signal.args[0], RosterEntry) and signal.args[0].account_no == "00000103"
    assert form.lookup.person() == signal.args[0]
    assert form.lookup.message() == ""


def test_an_id_number_typed_then_left_fills_the_other_fields(qtbot: QtBot, form: Form) -> None:
    type_and_leave(qtbot, form, LookupKey.ID_NUMBER, ZHANG[2])

    assert shown(form) == ZHANG


def test_an_id_with_a_lower_case_x_or_full_width_digits_is_found(qtbot: QtBot, form: Form) -> None:
    type_and_leave(qtbot, form, LookupKey.ID_NUMBER, "41020319800101052x")
    assert shown(form)[1] == "赵六"

    form.lookup.clear()
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in "41020319800101052X")
    type_and_leave(qtbot, form, LookupKey.ID_NUMBER, full_width)
    assert shown(form) == ("00000106", "赵六", "41020319800101052X", "封存")


def test_the_last_digits_of_an_id_typed_then_left_fill_the_fields(qtbot: QtBot, form: Form) -> None:
    type_and_leave(qtbot, form, LookupKey.ID_NUMBER, ZHANG[2][-6:])

    assert shown(form) == ZHANG


def test_an_account_typed_then_left_fills_the_other_fields(qtbot: QtBot, form: Form) -> None:
    type_and_leave(qtbot, form, LookupKey.ACCOUNT_NO, "00000103")

    assert shown(form) == ZHANG


def test_leaving_moves_on_in_tab_order(qtbot: QtBot, form: Form) -> None:
    type_and_leave(qtbot, form, LookupKey.NAME, "张三")
    assert edit(form, LookupKey.ACCOUNT_NO).hasFocus()

    qtbot.keyClick(edit(form, LookupKey.ACCOUNT_NO), Qt.Key.Key_Tab)
    assert edit(form, LookupKey.ID_NUMBER).hasFocus()
    qtbot.keyClick(edit(form, LookupKey.ID_NUMBER), Qt.Key.Key_Tab)
    assert form.after.hasFocus()  # the read-only fields are shown, not tabbed through
    assert shown(form) == ZHANG


def test_a_shared_name_opens_a_chooser_and_the_pick_fills_the_fields(
    qtbot: QtBot, form: Form
) -> None:
    type_and_leave(qtbot, form, LookupKey.NAME, "王伟")

    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), PersonChooserDialog))
    chooser = QApplication.activeModalWidget()
    assert isinstance(chooser, PersonChooserDialog) and chooser is form.lookup.chooser
    table = chooser.table
    rows = [
        [cell.text() for c in range(4) if (cell := table.item(r, c)) is not None]
        for r in range(table.rowCount())
    ]
    assert rows == [
        ["王伟", mask_id(make_id(104)), "00000104", "正常"],
        ["王伟", mask_id(make_id(105, born="19780615")), "00000105", "封存"],
    ]
    assert form.lookup.person() is None

    table.selectRow(1)
    with qtbot.waitSignal(form.lookup.person_selected):
        buttons = chooser.findChild(QDialogButtonBox)
        assert buttons is not None
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    assert shown(form) == ("00000105", "王伟", make_id(105, born="19780615"), "封存")
    assert form.lookup.chooser is None


def test_cancelling_the_chooser_keeps_the_name_and_says_what_to_do(
    qtbot: QtBot, form: Form
) -> None:
    type_and_leave(qtbot, form, LookupKey.NAME, "王伟")
    qtbot.waitUntil(lambda: form.lookup.chooser is not None and form.lookup.chooser.isVisible())

    assert form.lookup.chooser is not None
    form.lookup.chooser.reject()

    assert form.lookup.person() is None
    assert edit(form, LookupKey.NAME).text() == "王伟"
    assert "同名" in form.lookup.message()


def test_nobody_found_shows_a_message_naming_what_was_typed(qtbot: QtBot, form: Form) -> None:
    type_and_leave(qtbot, form, LookupKey.NAME, "欧阳娜娜")

    assert form.lookup.person() is None
    assert form.lookup.message_label.isVisible()
    assert "没有姓名为“欧阳娜娜”的职工" in form.lookup.message()
    assert edit(form, LookupKey.ACCOUNT_NO).text() == ""

    type_and_leave(qtbot, form, LookupKey.ACCOUNT_NO, "99999999")
    assert "没有个人账号为“99999999”的职工" in form.lookup.message()


def test_suggestions_follow_the_typing_and_a_pick_fills_the_fields(
    qtbot: QtBot, form: Form, qtmodeltester: ModelTester
) -> None:
    name = edit(form, LookupKey.NAME)
    type_text(qtbot, name, "张")

    model = form.lookup.models[LookupKey.NAME]
    qtbot.waitUntil(lambda: model.rowCount() > 0)  # searched off the UI thread
    qtmodeltester.check(model)
    assert [p.name for p in model.persons()] == ["张三", "张三丰"]
    first = model.index(0, 0)
    assert first.data() == f"张三　00000103　{mask_id(ZHANG[2])}　正常"
    assert first.data(Qt.ItemDataRole.EditRole) == "张三"
    popup = popup_of(name)
    qtbot.waitUntil(popup.isVisible)
    assert popup.width() >= popup.sizeHintForColumn(0)  # wider than the name field if need be

    second = popup.model().index(1, 0)
    with qtbot.waitSignal(form.lookup.person_selected):
        qtbot.mouseClick(
            popup.viewport(), Qt.MouseButton.LeftButton, pos=popup.visualRect(second).center()
        )

    assert shown(form) == ("00000101", "张三丰", make_id(101), "正常")


def open_suggestions(qtbot: QtBot, form: Form, text: str) -> QAbstractItemView:
    name = edit(form, LookupKey.NAME)
    type_text(qtbot, name, text)
    popup = popup_of(name)
    qtbot.waitUntil(popup.isVisible)
    return popup


def test_tab_while_suggestions_show_leaves_the_field_and_fills(qtbot: QtBot, form: Form) -> None:
    popup = open_suggestions(qtbot, form, "张三")

    qtbot.keyClick(popup, Qt.Key.Key_Tab)

    assert not popup.isVisible()
    assert shown(form) == ZHANG
    assert edit(form, LookupKey.ACCOUNT_NO).hasFocus()


def test_a_suggestion_picked_with_the_arrow_keys_fills_the_fields(qtbot: QtBot, form: Form) -> None:
    popup = open_suggestions(qtbot, form, "张")

    for key in (Qt.Key.Key_Down, Qt.Key.Key_Down, Qt.Key.Key_Return):
        qtbot.keyClick(popup, key)

    assert shown(form) == ("00000101", "张三丰", make_id(101), "正常")


def test_clicking_away_from_the_suggestions_then_elsewhere_fills(qtbot: QtBot, form: Form) -> None:
    popup = open_suggestions(qtbot, form, "张三")

    qtbot.mouseClick(popup, Qt.MouseButton.LeftButton, pos=QPoint(-5, -5))  # closes the popup
    assert not popup.isVisible()
    qtbot.mouseClick(form.after, Qt.MouseButton.LeftButton)

    assert form.after.hasFocus()
    assert shown(form) == ZHANG


def test_id_suggestions_show_the_whole_number_and_match_its_last_digits(
    qtbot: QtBot, form: Form, qtmodeltester: ModelTester
) -> None:
    type_text(qtbot, edit(form, LookupKey.ID_NUMBER), "052x")

    model = form.lookup.models[LookupKey.ID_NUMBER]
    qtbot.waitUntil(lambda: model.rowCount() > 0)
    qtmodeltester.check(model)
    assert model.rowCount() == 1
    index = model.index(0, 0)
    assert index.data() == "赵六　00000106　41020319800101052X　封存"
    assert index.data(Qt.ItemDataRole.EditRole) == "41020319800101052X"
    assert index.data(PERSON_ROLE).account_no == "00000106"
    assert model.rowCount(index) == 0
    assert model.data(QModelIndex()) is None


def test_typing_over_a_shown_person_forgets_them(qtbot: QtBot, form: Form) -> None:
    type_and_leave(qtbot, form, LookupKey.NAME, "张三")
    account = edit(form, LookupKey.ACCOUNT_NO)

    with qtbot.waitSignal(form.lookup.person_selected) as signal:
        account.setFocus()
        account.selectAll()
        qtbot.keyClicks(account, "0000010")

    assert signal.args == [None]
    assert form.lookup.person() is None
    assert edit(form, LookupKey.NAME).text() == ""
    assert form.lookup.status_edit.text() == ""


def test_status_filter_reports_a_mismatch_but_still_fills(qtbot: QtBot, form: Form) -> None:
    form.lookup.set_status_filter({"正常"})  # 封存 needs the account 正常

    type_and_leave(qtbot, form, LookupKey.ACCOUNT_NO, "00000106")

    assert shown(form) == ("00000106", "赵六", "41020319800101052X", "封存")
    assert form.lookup.message() == "该职工当前状态为“封存”，此业务要求状态为“正常”。"
    assert not form.lookup.status_ok()

    form.lookup.set_status_filter({"封存"})  # 启封 needs it 封存
    assert form.lookup.message() == ""
    assert form.lookup.status_ok()


def test_clear_empties_everything_and_says_so(qtbot: QtBot, form: Form) -> None:
    type_and_leave(qtbot, form, LookupKey.NAME, "张三")

    with qtbot.waitSignal(form.lookup.person_selected) as signal:
        form.lookup.clear()

    assert signal.args == [None]
    assert shown(form) == ("", "", "", "")
    assert form.lookup.person() is None


def test_set_person_shows_a_row_being_edited(form: Form, roster: RosterService) -> None:
    person = roster.get("00000104")
    assert person is not None

    form.lookup.set_person(person)

    assert shown(form) == ("00000104", "王伟", make_id(104), "正常")
    form.lookup.set_person(None)
    assert form.lookup.person() is None


def test_fields_have_accessible_names(form: Form) -> None:
    names = {
        w.accessibleName()
        for w in (*form.lookup.edits.values(), form.lookup.status_edit, form.lookup.message_label)
    }
    assert names == {"姓名", "个人账号", "证件号码", "状态", "查找提示"}
    # Not the same names as the 缴存基数 and 月缴存额 fields of 启封's form beside them.
    assert form.lookup.base_edit.accessibleName() == "职工当前缴存基数"
    assert form.lookup.amount_edit.accessibleName() == "职工当前月缴存额"


def test_closing_a_form_with_text_not_yet_looked_up_is_quiet(
    qtbot: QtBot, roster: RosterService
) -> None:
    widget = Form(roster)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    type_text(qtbot, edit(widget, LookupKey.ID_NUMBER), ZHANG[2][-6:])

    # Destroying the form takes the focus from the field: no lookup into deleted widgets.
    shiboken6.delete(widget)

    assert not shiboken6.isValid(widget)


def test_an_account_number_typed_into_the_name_field_finds_that_person(
    qtbot: QtBot, form: Form
) -> None:
    """Clerks paste whatever they have into the first field; digits there are no name."""
    with qtbot.waitSignal(form.lookup.person_selected):
        type_and_leave(qtbot, form, LookupKey.NAME, ZHANG[0])
    assert shown(form) == ZHANG


def test_deleting_a_lookup_left_with_a_shared_name_is_quiet(
    qtbot: QtBot, roster: RosterService
) -> None:
    """The field losing focus while it is destroyed must not open a chooser on a dead parent."""
    field = PersonLookupField(roster)
    field.show()
    qtbot.waitExposed(field)
    field.activateWindow()
    qtbot.waitUntil(field.isActiveWindow)
    type_text(qtbot, edit_of(field, LookupKey.NAME), "王伟")  # two people: leaving would ask

    field.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(field))

    assert QApplication.activeModalWidget() is None


def edit_of(field: PersonLookupField, key: LookupKey) -> QLineEdit:
    return field.edits[key]
