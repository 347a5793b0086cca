"""内部转移 as a clerk types it: offline the page says it needs the centre and keeps the typing;
a refusal from the centre is shown beside 证件号码 (the centre here is a stand-in: see below)."""

from __future__ import annotations

from contextlib import nullcontext

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from app.errors import OfflineError
from app.services.api.models import PersonLookup
from app.services.attachments import AttachmentService
from app.services.businesses import SPECS
from app.services.businesses.transfer import transfer_fill
from app.services.context import AppServices
from app.services.engine.pending import PendingLists
from app.views.business.pending_page import PendingPage
from tests.ids import gb11643
from tests.qt_typing import type_text

ZHAO = "41020319880516001" + gb11643("41020319880516001")


class Centre:
    """Answers as fundserver's /persons/lookup does (its own tests are in tests/fundserver and
    tests/services/api); here only the page's handling of each answer is under test."""

    def __init__(self, answer: PersonLookup | None) -> None:
        self.answer = answer

    def lookup_person(self, name: str, id_number: str) -> PersonLookup:
        if self.answer is None:
            raise OfflineError("无法连接公积金中心服务器，请检查网络后重试", code="offline")
        return self.answer


def _page(qtbot: QtBot, services: AppServices, centre: Centre) -> PendingPage:
    unit = services.units.add("100001", "开封示范科技有限公司")

    def policy():  # type: ignore[no-untyped-def]
        return services.units.policy(unit.id)

    pending = PendingLists(
        services.store,
        SPECS["transfer"],
        unit.id,
        policy,
        centre_fill=transfer_fill(lambda: nullcontext(centre)),
    )
    page = PendingPage(pending, AttachmentService(services.store, unit.id), policy)
    qtbot.addWidget(page)
    page.show()
    return page


def _type(qtbot: QtBot, page: PendingPage) -> tuple[QLineEdit, QLineEdit]:
    name, id_number = (page.form.editors[k].widget for k in ("name", "id_number"))
    assert isinstance(name, QLineEdit) and isinstance(id_number, QLineEdit)
    type_text(qtbot, name, "赵敏")
    qtbot.keyClicks(id_number, ZHAO)
    return name, id_number


def test_offline_the_page_says_so_and_keeps_what_was_typed(
    qtbot: QtBot, services: AppServices
) -> None:
    page = _page(qtbot, services, Centre(None))
    name, id_number = _type(qtbot, page)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.message.text().startswith("内部转移须联网向中心查询转出单位")
    assert (name.text(), id_number.text()) == ("赵敏", ZHAO)
    assert page.model.rowCount() == 0


def test_a_refusal_is_shown_beside_the_id_number(qtbot: QtBot, services: AppServices) -> None:
    refusal = (
        "赵敏在开封宋都建筑工程有限公司的账户状态为正常，只有封存的账户才能转移：请原单位先办理封存"
    )
    answer = PersonLookup(
        "赵敏", "410203****0011", "正常", "100003", "开封宋都", None, False, refusal
    )
    page = _page(qtbot, services, Centre(answer))
    _type(qtbot, page)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.form.editors["id_number"].error.text() == refusal
    assert page.model.rowCount() == 0


def test_the_centres_answer_fills_the_row(qtbot: QtBot, services: AppServices) -> None:
    answer = PersonLookup(
        "赵敏", "410203****0011", "封存", "100002", "开封市汴梁食品有限公司", None, False
    )
    page = _page(qtbot, services, Centre(answer))
    _type(qtbot, page)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 1, page.message.text()
    headers = [
        page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.model.columnCount())
    ]
    row = {h: page.proxy.index(0, c).data() for c, h in enumerate(headers)}
    assert (row["转出单位名称"], row["转出单位账号"], row["账户状态"]) == (
        "开封市汴梁食品有限公司",
        "100002",
        "封存",
    )
