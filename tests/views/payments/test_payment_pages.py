"""The 缴存业务 menu entries open their pages: 汇缴核定 (custom), 补缴核定 (the 清册 page over
the back-payment rules) and 核定查询 over both businesses."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from app.models import RosterPerson, Unit
from app.services.businesses.back_payment import BackPaymentLists
from app.services.context import AppServices
from app.views.business.pending_page import PendingPage
from app.views.pages import page_factories
from app.views.payments.query_page import AssessmentQueryPage
from app.views.payments.remittance_page import RemittancePage
from tests.ids import resident_id

ZHANG = resident_id("41020419900101123")


def test_the_payment_entries_open_their_pages(qtbot: QtBot, services: AppServices) -> None:
    unit = services.units.add("100001", "开封示范科技有限公司")
    with services.store.session() as session:
        session.get_one(Unit, unit.id).profile = {"paid_to": "2020-01"}
        session.add(
            RosterPerson(unit_id=unit.id, account_no="1", name="张三", id_number=ZHANG,
                         status="正常", base=Decimal("5000"), unit_ratio=Decimal("0.12"),
                         personal_ratio=Decimal("0.12"), paid_to="2020-01")
        )  # fmt: skip
    factories = page_factories(services)
    remittance = factories["remittance"]()
    qtbot.addWidget(remittance)
    assert isinstance(remittance, RemittancePage)
    qtbot.waitUntil(lambda: remittance.working is None)
    assert remittance.values["month"].text() == "2020年2月"  # not logged in: roster figures
    assert remittance.values["temporary_balance"].text() == "需联网"

    back = factories["back-payment"]()
    qtbot.addWidget(back)
    assert isinstance(back, PendingPage) and isinstance(back.pending, BackPaymentLists)
    assert back.template_button.text() == "补缴核定模版下载"  # the generic page, its title
    name = back.form.editors["name"].widget
    assert isinstance(name, QLineEdit)
    assert name.placeholderText() == "按证件号码从职工名册填写"  # looked up, not "computed"
    added = back.pending.add(
        {"id_number": ZHANG, "reason": "漏缴", "start_month": "2024-01", "end_month": "2024-02"}
    )
    assert added.values["amount"] == "2400.00"

    query = factories["assessment-query"]()
    qtbot.addWidget(query)
    assert isinstance(query, AssessmentQueryPage)
