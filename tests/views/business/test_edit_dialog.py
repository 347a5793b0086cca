"""The 修改 dialog and the form as a clerk meets them: the centre's fields of 内部转移 can be
read, not typed into; a person-bound row is changed through the same 反显 lookup as the form."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from app.services.api.models import PersonLookup
from app.services.businesses import SPECS
from app.services.businesses.transfer import CENTRE_FIELDS, transfer_fill
from app.services.context import AppServices
from app.services.engine.pending import BusinessList
from app.services.policy import CentrePolicy
from app.services.roster import LookupKey, RosterService
from app.views.business.detail_dialog import RowEditDialog
from app.views.business.form import BusinessForm
from app.views.business.import_page import ImportPage
from tests.ids import gb11643
from tests.people import QIAN, ZHAO, seed_roster
from tests.qt_typing import type_text

TODAY = date(2026, 11, 28)
MOVER = "41020319880516001" + gb11643("41020319880516001")


class Centre:
    """Answers /persons/lookup as fundserver does for a person sealed at another unit."""

    def lookup_person(self, name: str, id_number: str) -> PersonLookup:
        return PersonLookup(
            name=name,
            id_number_masked=id_number[:6] + "********" + id_number[-4:],
            status="封存",
            unit_code="100002",
            unit_name="开封宋都建筑工程有限公司",
            account_no=None,
            in_own_unit=False,
        )


def _lists(services: AppServices, code: str, **options: object) -> BusinessList:
    unit = services.units.add("100001", "开封示范科技有限公司")
    seed_roster(services, unit.id)

    def policy():  # type: ignore[no-untyped-def]
        return services.units.policy(unit.id)

    return SPECS[code].open_list(services.store, unit.id, policy, today=lambda: TODAY, **options)


def _policy(services: AppServices, pending: BusinessList) -> CentrePolicy:
    return services.units.policy(pending.unit_id)


def _centre_edits(form: BusinessForm) -> list[QLineEdit]:
    edits = [form.editors[key].widget for key in CENTRE_FIELDS]
    assert all(isinstance(e, QLineEdit) for e in edits)
    return edits  # type: ignore[return-value]


def test_the_transfer_form_shows_the_centres_fields_read_only(
    qtbot: QtBot, services: AppServices
) -> None:
    pending = _lists(services, "transfer")
    form = BusinessForm(pending.spec, _policy(services, pending))
    qtbot.addWidget(form)
    for edit in _centre_edits(form):
        assert edit.isReadOnly()
        assert edit.property("role") == "derived"  # grey, as every value the clerk cannot type
        assert edit.focusPolicy() == Qt.FocusPolicy.NoFocus
        assert edit.placeholderText() == "添加时由中心查询填写"
        assert edit not in form.visible_inputs()  # Tab and Enter pass them by
    form.editors["from_unit_name"].set_value("随便写的单位")
    assert "from_unit_name" not in form.values()  # nothing typed there could reach the row


def test_the_transfer_edit_dialog_keeps_the_centres_answer_read_only(
    qtbot: QtBot, services: AppServices
) -> None:
    pending = _lists(services, "transfer", centre_fill=transfer_fill(lambda: nullcontext(Centre())))
    row = pending.add({"name": "赵敏", "id_number": MOVER})
    dialog = RowEditDialog(pending, _policy(services, pending), row)
    qtbot.addWidget(dialog)
    edits = _centre_edits(dialog.form)
    assert [e.text() for e in edits] == ["开封宋都建筑工程有限公司", "100002", "封存"]
    assert all(e.isReadOnly() for e in edits)
    month = dialog.form.editors["month"].widget
    assert isinstance(month, QLineEdit)
    month.setText("2026-10")
    month.textEdited.emit("2026-10")  # the live preview leaves the centre's answer shown
    assert edits[0].text() == "开封宋都建筑工程有限公司"
    dialog.save()
    assert dialog.result() == RowEditDialog.DialogCode.Accepted
    (stored,) = pending.rows()
    assert stored.values["month"] == "2026-10"
    assert stored.values["from_unit_name"] == "开封宋都建筑工程有限公司"


def test_the_edit_dialog_changes_the_person_through_the_lookup(
    qtbot: QtBot, services: AppServices
) -> None:
    pending = _lists(services, "unseal")
    roster = RosterService(services.store, pending.unit_id)
    row = pending.add({"account_no": QIAN.account_no, "reason": "重新就业"})
    dialog = RowEditDialog(pending, _policy(services, pending), row, roster=roster)
    qtbot.addWidget(dialog)
    dialog.show()
    person = dialog.form.person
    assert person is not None  # the lookup, not three plain text fields
    assert person.edits[LookupKey.NAME].text() == "钱二"
    assert person.edits[LookupKey.ID_NUMBER].text() == QIAN.id_number
    # Another person, by 个人账号 alone: the lookup fills name and ID (反显) and the status.
    account = person.edits[LookupKey.ACCOUNT_NO]
    account.clear()
    type_text(qtbot, account, ZHAO.account_no)
    account.textEdited.emit(ZHAO.account_no)
    account.editingFinished.emit()
    assert person.edits[LookupKey.NAME].text() == "赵一"
    assert person.status_edit.text() == "正常"
    dialog.save()  # 启封 needs 封存: the dialog says why and keeps the dialog open
    assert dialog.isVisible()
    assert "正常" in person.problem()
    assert pending.rows()[0].values["name"] == "钱二"


def test_a_transfer_by_passport_checks_the_number_as_a_passport(services: AppServices) -> None:
    pending = _lists(services, "transfer")
    passport = pending.check({"name": "JOHN SMITH", "id_type": "护照", "id_number": "E12345678"})
    assert "id_number" not in passport.errors  # was refused as a bad resident ID
    wrong = pending.check({"name": "赵敏", "id_number": "410203198805160010"})
    assert "id_number" in wrong.errors  # a resident ID is still checked as one


def test_the_batch_pages_modify_uses_the_lookup(qtbot: QtBot, services: AppServices) -> None:
    pending = _lists(services, "seal")
    row = pending.add({"account_no": ZHAO.account_no, "reason": "离职"})
    page = ImportPage(
        pending,
        lambda: _policy(services, pending),
        roster=RosterService(services.store, pending.unit_id),
    )
    qtbot.addWidget(page)
    dialog = page.modify_row(row)
    assert dialog.form.person is not None
    assert dialog.form.person.edits[LookupKey.ACCOUNT_NO].text() == ZHAO.account_no
    dialog.reject()


def test_the_edit_dialogs_fields_stay_together(qtbot: QtBot, services: AppServices) -> None:
    """The form keeps its own height: no rows spread apart over the dialog's extra room."""
    pending = _lists(services, "unseal")
    row = pending.add({"account_no": QIAN.account_no, "reason": "重新就业"})
    dialog = RowEditDialog(pending, _policy(services, pending), row)
    qtbot.addWidget(dialog)
    dialog.resize(760, 900)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.form.height() <= dialog.form.sizeHint().height())
