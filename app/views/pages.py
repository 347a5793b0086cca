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
from app.services.outbox import requeue_failed
from app.services.policy import CentrePolicy
from app.services.scanning import Scanner, default_scanner
from app.services.units import UnitInfo
from app.views.business.import_page import ImportPage
from app.views.business.pending_page import PendingPage
from app.views.business.query_page import QueryPage

PageFactory = Callable[[], QWidget]


def _no_unit() -> QWidget:
    label = QLabel("请先点击上方的“添加单位…”添加本单位，再办理业务。")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


class Pages:
    """Builds each page for the unit current when it is opened."""

    def __init__(self, services: AppServices) -> None:
        self.services = services
        # The single and batch pages of a business share one pending list: an import (or a
        # reopened submission) refreshes the single page's list if that page is built.
        self.single_pages: dict[str, PendingPage] = {}
        self._scanner: Scanner | None = None

    @property
    def scanner(self) -> Scanner:
        """The scanners of this PC, found once (WIA/TWAIN/SANE discovery is slow)."""
        if self._scanner is None:
            self._scanner = default_scanner()
        return self._scanner

    def _policy(self, unit: UnitInfo) -> Callable[[], CentrePolicy]:
        return lambda: self.services.units.policy(unit.id)  # read at each use

    def _pending(self, unit: UnitInfo, code: str) -> PendingLists:
        return PendingLists(self.services.store, SPECS[code], unit.id, self._policy(unit))

    def refresh_single(self, code: str) -> None:
        single = self.single_pages.get(code)
        if single is not None:
            single.refresh()

    def _for_unit(self, build: Callable[[UnitInfo], QWidget]) -> PageFactory:
        def make() -> QWidget:
            unit = self.services.units.current()
            return _no_unit() if unit is None else build(unit)

        return make

    def pending_page(
        self, code: str, *, template_title: str | None = None, batch_entry: str | None = None
    ) -> PageFactory:
        def build(unit: UnitInfo) -> QWidget:
            attachments = AttachmentService(self.services.store, unit.id)
            page = PendingPage(
                self._pending(unit, code),
                attachments,
                self._policy(unit),
                scanner=self.scanner,
                template_title=template_title,
                batch_entry=batch_entry,
            )
            self.single_pages[code] = page
            page.destroyed.connect(lambda _obj=None: self.single_pages.pop(code, None))
            return page

        return self._for_unit(build)

    def import_page(self, code: str, template_title: str) -> PageFactory:
        def build(unit: UnitInfo) -> QWidget:
            page = ImportPage(
                self._pending(unit, code),
                self._policy(unit),
                template_title=template_title,
                attachments=AttachmentService(self.services.store, unit.id),
                scanner=self.scanner,
            )
            page.imported.connect(lambda _count: self.refresh_single(code))
            page.list_changed.connect(lambda: self.refresh_single(code))
            return page

        return self._for_unit(build)

    def query_page(self, key: str) -> PageFactory:
        entry = catalog.entry(key)

        def build(unit: UnitInfo) -> QWidget:
            def reopen(code: str, outbox_id: int) -> str:
                self._pending(unit, code).reopen(outbox_id)
                self.refresh_single(code)
                return SPECS[code].list_name

            def retry(outbox_id: int) -> bool:
                return requeue_failed(self.services.store, unit.id, outbox_id)

            history = SubmissionHistory(self.services.store, unit.id)
            return QueryPage(entry.label, history, entry.businesses, reopen, retry=retry)

        return self._for_unit(build)


def page_factories(services: AppServices) -> dict[str, PageFactory]:
    """A factory per menu entry that is built; the window disables the others."""
    pages = Pages(services)
    return {
        "open-account": pages.pending_page(
            "open-account", template_title="身份证批量开户模版", batch_entry="open-account-batch"
        ),
        "open-account-batch": pages.import_page("open-account", "身份证批量开户模版"),
        "open-account-query": pages.query_page("open-account-query"),
    }
