"""封存 and 启封 as a clerk uses them, and a made-up business built from its spec alone."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.models import OutboxItem, RosterPerson, Unit
from app.services.attachments import AttachmentService
from app.services.businesses import SPECS
from app.services.context import AppServices
from app.services.engine.pending import BusinessList
from app.services.engine.person import person_fields
from app.services.engine.spec import BusinessSpec, FieldKind, FieldSpec, Precondition
from app.services.engine.states import SubmissionState, UploadState
from app.services.roster import LookupKey, RosterService
from app.views.business.pending_page import PendingPage
from tests.people import QIAN, ZHAO, seed_roster
from tests.qt_typing import type_text

TODAY = date(2026, 11, 28)


@pytest.fixture
def unit_id(services: AppServices) -> int:
    unit = services.units.add("100001", "开封市示范机械厂")
    with services.store.session() as session:
        session.get_one(Unit, unit.id).profile = {"unit_ratio": "0.12", "personal_ratio": "0.12"}
    seed_roster(services, unit.id)
    return unit.id


def make_page(qtbot: QtBot, services: AppServices, unit_id: int, spec: BusinessSpec) -> PendingPage:
    def policy():  # type: ignore[no-untyped-def]
        return services.units.policy(unit_id)

    pending = BusinessList(services.store, spec, unit_id, policy, today=lambda: TODAY)
    page = PendingPage(
        pending,
        AttachmentService(services.store, unit_id),
        policy,
        roster=RosterService(services.store, unit_id),
    )
    qtbot.addWidget(page)
    page.resize(1000, 800)
    page.show()
    return page


def look_up(qtbot: QtBot, page: PendingPage, key: LookupKey, text: str) -> None:
    """Type into one of the lookup's fields and leave it (Tab), as a clerk does."""
    assert page.form.person is not None
    edit = page.form.person.edits[key]
    type_text(qtbot, edit, text)
    edit.textEdited.emit(text)  # an IME commit does not emit textEdited by itself
    edit.editingFinished.emit()


def choose(page: PendingPage, key: str, text: str) -> None:
    combo = page.form.editors[key].widget
    assert isinstance(combo, QComboBox)
    combo.setCurrentText(text)


def add(qtbot: QtBot, page: PendingPage) -> None:
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)


def test_the_lookup_fills_in_and_the_row_goes_to_the_list(
    qtbot: QtBot, services: AppServices, unit_id: int
) -> None:
    page = make_page(qtbot, services, unit_id, SPECS["seal"])
    look_up(qtbot, page, LookupKey.ACCOUNT_NO, ZHAO.account_no)
    person = page.form.person
    assert person is not None
    assert person.edits[LookupKey.NAME].text() == "赵一"
    assert person.edits[LookupKey.ID_NUMBER].text() == ZHAO.id_number
    assert person.status_edit.text() == "正常"
    choose(page, "reason", "离职")
    add(qtbot, page)
    assert page.message.text() == "已添加到待封存清册：赵一"
    rows = page.pending.rows()
    assert [(r.values["name"], r.values["reason"], r.values["month"]) for r in rows] == [
        ("赵一", "离职", "2026-11")
    ]
    assert person.edits[LookupKey.NAME].text() == ""  # the form is cleared for the next one


def test_a_name_alone_fills_in_from_the_roster(
    qtbot: QtBot, services: AppServices, unit_id: int
) -> None:
    page = make_page(qtbot, services, unit_id, SPECS["seal"])
    look_up(qtbot, page, LookupKey.NAME, "赵一")
    assert page.form.person is not None
    assert page.form.person.edits[LookupKey.ACCOUNT_NO].text() == ZHAO.account_no


def test_sealing_a_sealed_account_is_refused_with_its_message(
    qtbot: QtBot, services: AppServices, unit_id: int
) -> None:
    page = make_page(qtbot, services, unit_id, SPECS["seal"])
    look_up(qtbot, page, LookupKey.ACCOUNT_NO, QIAN.account_no)
    choose(page, "reason", "离职")
    add(qtbot, page)
    assert page.form.person is not None
    assert page.form.person.message() == "钱二的账户状态为“封存”，只有状态为“正常”的账户才能封存"
    assert page.pending.rows() == []


def test_unsealing_a_normal_account_is_refused_and_a_sealed_one_gets_its_amount(
    qtbot: QtBot, services: AppServices, unit_id: int
) -> None:
    page = make_page(qtbot, services, unit_id, SPECS["unseal"])
    look_up(qtbot, page, LookupKey.ACCOUNT_NO, ZHAO.account_no)
    choose(page, "reason", "重新就业")
    add(qtbot, page)
    assert page.form.person is not None
    assert page.form.person.message() == "赵一的账户状态为“正常”，只有状态为“封存”的账户才能启封"
    page.reset_form()
    look_up(qtbot, page, LookupKey.ACCOUNT_NO, QIAN.account_no)
    choose(page, "reason", "重新就业")
    monthly = page.form.editors["monthly_amount"].widget
    assert isinstance(monthly, QLineEdit) and monthly.text() == "1100.00"  # 5000 × (12% + 10%)
    add(qtbot, page)
    assert [r.values["base"] for r in page.pending.rows()] == ["5000.00"]


def test_a_person_in_a_contradicting_list_is_refused_naming_that_list(
    qtbot: QtBot, services: AppServices, unit_id: int
) -> None:
    seal = make_page(qtbot, services, unit_id, SPECS["seal"])
    seal.pending.add({"account_no": ZHAO.account_no, "reason": "离职"})
    with services.store.session() as session:  # the centre sealed him meanwhile (a sync)
        person = session.scalars(
            select(RosterPerson).where(RosterPerson.account_no == ZHAO.account_no)
        ).one()
        person.status = "封存"
    unseal = make_page(qtbot, services, unit_id, SPECS["unseal"])
    look_up(qtbot, unseal, LookupKey.ACCOUNT_NO, ZHAO.account_no)
    choose(unseal, "reason", "重新就业")
    add(qtbot, unseal)
    assert unseal.form.person is not None
    assert unseal.form.person.message().startswith("赵一（个人账号 1000010001）已在待封存清册中")


def test_a_submitted_list_awaiting_review_still_holds_its_people(
    services: AppServices, unit_id: int
) -> None:
    def policy():  # type: ignore[no-untyped-def]
        return services.units.policy(unit_id)

    seal = BusinessList(services.store, SPECS["seal"], unit_id, policy, today=lambda: TODAY)
    seal.add({"account_no": ZHAO.account_no, "reason": "离职"})
    with services.store.session() as session:
        session.add(
            OutboxItem(
                unit_id=unit_id,
                business="seal",
                idempotency_key="k",
                rows=[{"account_no": ZHAO.account_no}],
                attachment_ids=[],
                state=UploadState.QUEUED,
            )
        )
    unseal = BusinessList(services.store, SPECS["unseal"], unit_id, policy, today=lambda: TODAY)
    assert "account_no" not in unseal.check({"account_no": QIAN.account_no}).errors
    with services.store.session() as session:
        ctx = unseal.context(session)
    assert ctx.conflicts[ZHAO.account_no] == "待封存清册"  # the open list wins over the queue
    seal_list = seal.rows()
    seal.delete(seal_list[0].id)
    with services.store.session() as session:
        assert unseal.context(session).conflicts[ZHAO.account_no] == "已提交待审核的待封存清册"
        item = session.scalars(select(OutboxItem)).one()
        item.state = UploadState.SENT  # sent, no review pulled yet: still awaiting review
    with services.store.session() as session:
        assert ZHAO.account_no in unseal.context(session).conflicts
        session.scalars(select(OutboxItem)).one().review_state = SubmissionState.APPROVED
    with services.store.session() as session:
        assert unseal.context(session).conflicts == {}  # reviewed: the roster says the rest


SURVEY = BusinessSpec(
    code="seal",  # a made-up business; it borrows a code the policy knows for its materials
    name="职工回访",
    list_name="待回访清册",
    fields=(
        *person_fields(),
        FieldSpec("note", "回访记录", FieldKind.TEXT, required=True, max_length=40),
    ),
    precondition=Precondition(("封存",), "{name}不是封存职工，无需回访"),
)


def test_a_business_from_a_spec_alone_is_driven_through_the_form(
    qtbot: QtBot, services: AppServices, unit_id: int
) -> None:
    page = make_page(qtbot, services, unit_id, SURVEY)
    look_up(qtbot, page, LookupKey.ID_NUMBER, ZHAO.id_number)
    note = page.form.editors["note"].widget
    assert isinstance(note, QLineEdit)
    qtbot.keyClicks(note, "ok")
    add(qtbot, page)
    assert page.form.person is not None
    assert page.form.person.message() == "赵一不是封存职工，无需回访"
    page.reset_form()
    look_up(qtbot, page, LookupKey.ACCOUNT_NO, QIAN.account_no)
    qtbot.keyClicks(note, "ok")
    add(qtbot, page)
    assert page.message.text() == "已添加到待回访清册：钱二"
    assert [r.values["id_number"] for r in page.pending.rows()] == [QIAN.id_number]


def test_a_list_level_month_entered_once_above_the_list_holds_for_rows_left_blank(
    qtbot: QtBot, services: AppServices, unit_id: int
) -> None:
    page = make_page(qtbot, services, unit_id, SPECS["seal"])
    month = page.list_values.editors["month"].widget
    assert isinstance(month, QLineEdit)
    qtbot.keyClicks(month, "2026-13")
    qtbot.mouseClick(page.list_values.save_button, Qt.MouseButton.LeftButton)
    assert page.list_values.message.text().startswith("封存年月：")
    month.clear()
    qtbot.keyClicks(month, "2026-10")
    qtbot.mouseClick(page.list_values.save_button, Qt.MouseButton.LeftButton)
    assert page.list_values.message.text() == "已设置"
    look_up(qtbot, page, LookupKey.ACCOUNT_NO, ZHAO.account_no)
    choose(page, "reason", "离职")
    add(qtbot, page)
    assert [r.values["month"] for r in page.pending.rows()] == ["2026-10"]
    assert page.pending.list_values() == {"month": "2026-10"}
