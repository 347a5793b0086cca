"""Which page each menu entry opens, for the current unit (wiring by constructor)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from app.services import catalog
from app.services.attachments import AttachmentService
from app.services.businesses import SPECS
from app.services.context import AppServices
from app.services.engine.history import SubmissionHistory
from app.services.engine.pending import PendingLists
from app.views.business.import_page import ImportPage
from app.views.business.pending_page import PendingPage
from app.views.business.query_page import QueryPage

PageFactory = Callable[[], QWidget]


def _no_unit() -> QWidget:
    label = QLabel("请先点击上方的“添加单位…”添加本单位，再办理业务。")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


def page_factories(services: AppServices) -> dict[str, PageFactory]:
    """A factory per menu entry that is built; the window disables the others."""
    # The single and batch pages of a business share one pending list: an import refreshes
    # the single page's list if that page is built (the batch page refreshes when shown).
    single_pages: dict[str, PendingPage] = {}

    def pending_page(code: str) -> PageFactory:
        def make() -> QWidget:
            unit = services.units.current()
            if unit is None:
                return _no_unit()
            policy = lambda: services.units.policy(unit.id)  # noqa: E731 - read at each use
            pending = PendingLists(services.store, SPECS[code], unit.id, policy)
            page = PendingPage(pending, AttachmentService(services.store, unit.id), policy)
            single_pages[code] = page
            page.destroyed.connect(lambda _obj=None: single_pages.pop(code, None))
            return page

        return make

    def _refresh_single(code: str) -> None:
        single = single_pages.get(code)
        if single is not None:
            single.refresh()

    def import_page(code: str, template_title: str) -> PageFactory:
        def make() -> QWidget:
            unit = services.units.current()
            if unit is None:
                return _no_unit()
            policy = lambda: services.units.policy(unit.id)  # noqa: E731 - read at each use
            pending = PendingLists(services.store, SPECS[code], unit.id, policy)
            page = ImportPage(pending, policy, template_title=template_title)
            page.imported.connect(lambda _count: _refresh_single(code))
            return page

        return make

    def query_page(key: str) -> PageFactory:
        entry = catalog.entry(key)

        def make() -> QWidget:
            unit = services.units.current()
            if unit is None:
                return _no_unit()

            def reopen(code: str, outbox_id: int) -> str:
                policy = lambda: services.units.policy(unit.id)  # noqa: E731
                PendingLists(services.store, SPECS[code], unit.id, policy).reopen(outbox_id)
                _refresh_single(code)
                return SPECS[code].list_name

            history = SubmissionHistory(services.store, unit.id)
            return QueryPage(entry.label, history, entry.businesses, reopen)

        return make

    return {
        "open-account": pending_page("open-account"),
        "open-account-query": query_page("open-account-query"),
        "open-account-batch": import_page("open-account", "身份证批量开户模版"),
    }
