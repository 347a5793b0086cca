"""Pages come from the catalog: a registered spec enables its single, 批量 and 查询 pages."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from app.services import catalog
from app.services.businesses import SPECS
from app.services.context import AppServices
from app.views import pages
from app.views.business.import_page import ImportPage
from app.views.business.pending_page import PendingPage
from app.views.business.query_page import QueryPage

KINDS = {
    catalog.EntryKind.BUSINESS: PendingPage,
    catalog.EntryKind.BATCH: ImportPage,
    catalog.EntryKind.QUERY: QueryPage,
}


def test_every_entry_whose_businesses_are_registered_has_its_page(
    qtbot: QtBot, services: AppServices
) -> None:
    services.units.add("100001", "开封市示范机械厂")
    factories = pages.page_factories(services)
    built = {e.key for e in catalog.all_entries() if all(c in SPECS for c in e.businesses)}
    assert set(factories) == built
    assert {"seal", "seal-batch", "unseal", "unseal-batch", "seal-query"} <= built
    assert built == {e.key for e in catalog.all_entries()}  # all nine businesses are here
    for key in sorted(built - set(pages.CUSTOM_PAGES)):  # a custom page is its own kind
        page = factories[key]()
        qtbot.addWidget(page)
        assert isinstance(page, KINDS[catalog.entry(key).kind]), key
    seal = factories["seal"]()
    qtbot.addWidget(seal)
    assert isinstance(seal, PendingPage)
    assert seal.template_title == "个人账户批量封存模版" and seal.batch_entry == "seal-batch"


def test_a_business_may_register_a_page_of_its_own(
    qtbot: QtBot, services: AppServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    def own(_pages: pages.Pages) -> pages.PageFactory:
        return lambda: QLabel("汇缴核定")

    monkeypatch.setitem(pages.CUSTOM_PAGES, "remittance", own)
    factories = pages.page_factories(services)
    page: QWidget = factories["remittance"]()
    qtbot.addWidget(page)
    assert isinstance(page, QLabel) and page.text() == "汇缴核定"
