"""The 个人开户 pages over real services, as several widget tests (the page, ID-card reading,
the card stack) set them up: one unit with its ratios, its 待开户清册, the page shown."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from app.models import Unit
from app.services.attachments import AttachmentService
from app.services.businesses import SPECS
from app.services.context import AppServices
from app.services.engine.pending import PendingLists
from app.services.policy import CentrePolicy
from app.views.business.import_page import ImportPage
from app.views.business.pending_page import PendingPage


def open_account_list(services: AppServices) -> tuple[PendingLists, Callable[[], CentrePolicy]]:
    """Unit 100001 paying 12 % + 12 %, and its 待开户清册 with the policy it reads."""
    unit = services.units.add("100001", "开封市示范机械厂")
    with services.store.session() as session:
        session.get_one(Unit, unit.id).profile = {"unit_ratio": "0.12", "personal_ratio": "0.12"}

    def policy() -> CentrePolicy:
        return services.units.policy(unit.id)

    return PendingLists(services.store, SPECS["open-account"], unit.id, policy), policy


def open_account_page(qtbot: QtBot, services: AppServices) -> PendingPage:
    """个人开户（单笔）, shown at 1000×800."""
    pending, policy = open_account_list(services)
    page = PendingPage(pending, AttachmentService(services.store, pending.unit_id), policy)
    qtbot.addWidget(page)
    page.resize(1000, 800)
    page.show()
    return page


def open_account_batch_page(qtbot: QtBot, services: AppServices) -> ImportPage:
    """个人开户（批量）, shown at 1100×800."""
    pending, policy = open_account_list(services)
    page = ImportPage(
        pending,
        policy,
        template_title="身份证批量开户模版",
        attachments=AttachmentService(services.store, pending.unit_id),
    )
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.show()
    return page


def line_edit(page: PendingPage, key: str) -> QLineEdit:
    """The form's text field of `key`."""
    widget = page.form.editors[key].widget
    assert isinstance(widget, QLineEdit)
    return widget
