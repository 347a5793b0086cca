"""Which page each menu entry opens, for the current unit (wiring by constructor).

The pages' modules (and what they need: spreadsheets, PDFs, the centre's client) are imported
when a page is first built, not when the window starts: the window shows first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from app.errors import AuthError
from app.services import catalog
from app.services.changes import Changes
from app.services.context import AppServices
from app.services.session import CentreSession
from app.services.units import UnitInfo
from app.views.changes import ChangeHub

if TYPE_CHECKING:
    from app.services.api.client import CentreClient
    from app.services.engine.centre_records import RecordKind
    from app.services.engine.pending import BusinessList
    from app.services.policy import CentrePolicy
    from app.services.scanning import Scanner
    from app.views.adjustments.base_change_page import BaseChangePage
    from app.views.business.import_page import ImportPage
    from app.views.business.pending_page import PendingPage
    from app.views.business.query_page import QueryPage

PageFactory = Callable[[], QWidget]


class PageFactories(dict[str, PageFactory]):
    """The factory of each menu entry, and the hub on which their pages publish changes."""

    def __init__(self, hub: ChangeHub) -> None:
        super().__init__()
        self.hub = hub


def _no_unit() -> QWidget:
    label = QLabel("请先点击上方的“添加单位…”添加本单位，再办理业务。")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


class Pages:
    """Builds each page for the unit current when it is opened."""

    def __init__(
        self, services: AppServices, hub: ChangeHub, session: CentreSession | None = None
    ) -> None:
        self.services = services
        self.hub = hub
        # The window's session: without an OS keyring its tokens live only there.
        self.session = session or CentreSession(services)
        # The single and batch pages of a business share one pending list: an import (or a
        # reopened submission) publishes it on the hub, and every single page of that business
        # (the window keeps each unit's pages) refreshes itself.
        self._scanner: Scanner | None = None

    @property
    def scanner(self) -> Scanner:
        """The scanners of this PC, found once (WIA/TWAIN/SANE discovery is slow)."""
        if self._scanner is None:
            from app.services.scanning import default_scanner

            self._scanner = default_scanner()
        return self._scanner

    def _policy(self, unit: UnitInfo) -> Callable[[], CentrePolicy]:
        return lambda: self.services.units.policy(unit.id)  # read at each use

    def _pending(self, unit: UnitInfo, code: str) -> BusinessList:
        from app.services.businesses import SPECS
        from app.services.engine.centre_rows import centre_rows_check

        spec = SPECS[code]
        client = self._client(unit)
        pending = spec.open_list(  # the business's own list class where it has one (补缴)
            self.services.store,
            unit.id,
            self._policy(unit),
            centre_check=spec.centre_check(client) if spec.centre_check else None,
            centre_fill=spec.centre_fill(client) if spec.centre_fill else None,
        )
        if spec.centre_row_checks:  # the centre's own row checks before 全部提交
            pending.centre_check = centre_rows_check(client, code, pending.rows, spec.row_key or "")
        return pending

    def _client(self, unit: UnitInfo) -> Callable[[], CentreClient]:
        """The centre's client for the unit, asked for at each use (the login may change)."""

        def make() -> CentreClient:
            if not self.session.is_logged_in(unit):
                raise AuthError("尚未登录中心服务器")
            return self.session.client(unit)

        return make

    def refresh_single(self, code: str) -> None:
        self.hub.publish(Changes(pending=frozenset({code})))

    def _for_unit(self, build: Callable[[UnitInfo], QWidget]) -> PageFactory:
        def make() -> QWidget:
            unit = self.services.units.current()
            return _no_unit() if unit is None else build(unit)

        return make

    def _on_hub(
        self,
        page: PendingPage | ImportPage | BaseChangePage,
        code: str,
        refresh: Callable[[], None],
    ) -> None:
        """The page's list follows the hub; its 全部提交 is published (the sync sends it now)."""

        def changed(changes: Changes) -> None:
            if code in changes.pending:
                refresh()

        self.hub.changed.connect(changed)
        page.destroyed.connect(lambda _obj=None: self.hub.changed.disconnect(changed))
        page.submitted.connect(
            lambda _id: self.hub.publish(Changes(queued=True, pending=frozenset({code})))
        )

    def pending_page(
        self, code: str, *, template_title: str | None = None, batch_entry: str | None = None
    ) -> PageFactory:
        def build(unit: UnitInfo) -> QWidget:
            from app.services.attachments import AttachmentService
            from app.services.roster import RosterService
            from app.views.business.pending_page import PendingPage

            attachments = AttachmentService(self.services.store, unit.id)
            page = PendingPage(
                self._pending(unit, code),
                attachments,
                self._policy(unit),
                scanner=self.scanner,
                template_title=template_title,
                batch_entry=batch_entry,
                roster=RosterService(self.services.store, unit.id),
            )
            self._on_hub(page, code, page.refresh)
            return page

        return self._for_unit(build)

    def import_page(self, code: str, template_title: str) -> PageFactory:
        def build(unit: UnitInfo) -> QWidget:
            from app.services.attachments import AttachmentService
            from app.services.roster import RosterService
            from app.views.business.import_page import ImportPage

            page = ImportPage(
                self._pending(unit, code),
                self._policy(unit),
                template_title=template_title,
                attachments=AttachmentService(self.services.store, unit.id),
                scanner=self.scanner,
                roster=RosterService(self.services.store, unit.id),
            )
            page.imported.connect(lambda _count: self.refresh_single(code))
            page.list_changed.connect(lambda: self.refresh_single(code))
            self._on_hub(page, code, page.list.refresh)
            return page

        return self._for_unit(build)

    def ratio_change_page(self) -> PageFactory:
        single = self.pending_page("ratio-change")

        def build() -> QWidget:
            from app.views.adjustments.base_change_page import with_states_sentence

            return with_states_sentence(single())

        return build

    def base_change_page(self) -> PageFactory:
        def build(unit: UnitInfo) -> QWidget:
            from app.services.adjustments.service import BaseChangeService
            from app.services.attachments import AttachmentService
            from app.views.adjustments.base_change_page import BaseChangePage

            service = BaseChangeService(self.services.store, unit.id, self._policy(unit))
            attachments = AttachmentService(self.services.store, unit.id)
            page = BaseChangePage(service, attachments, self._policy(unit), scanner=self.scanner)
            self._on_hub(page, "base-change", page.refresh)
            return page

        return self._for_unit(build)

    def ratio_query_page(self) -> PageFactory:
        """缴存比例调整查询: the ratios, and each state with its day, instead of people."""

        def page_class() -> type[QueryPage]:
            from app.views.adjustments.ratio_query import RatioQueryPage

            return RatioQueryPage

        return self.query_page("ratio-change-query", page_class)

    def query_page(
        self, key: str, page_class: Callable[[], type[QueryPage]] | None = None
    ) -> PageFactory:
        entry = catalog.entry(key)

        def build(unit: UnitInfo) -> QWidget:
            from app.services.businesses import SPECS
            from app.services.engine.centre_records import CentreRecords
            from app.services.engine.history import SubmissionHistory
            from app.services.outbox import requeue_failed
            from app.views.business.centre_records import CentreRecordsPanel
            from app.views.business.query_page import QueryPage

            def reopen(code: str, outbox_id: int) -> str:
                self._pending(unit, code).reopen(outbox_id)
                self.hub.publish(Changes(reviews=True, pending=frozenset({code})))
                return SPECS[code].list_name

            def retry(outbox_id: int) -> bool:
                again = requeue_failed(self.services.store, unit.id, outbox_id)
                self.hub.publish(Changes(queued=again))
                return again

            history = SubmissionHistory(self.services.store, unit.id)
            records = CentreRecords(
                self.services.store, unit.id, self._client(unit), record_kind(entry)
            )
            centre = CentreRecordsPanel(records, reopen=reopen)
            return (page_class() if page_class else QueryPage)(
                entry.label,
                history,
                entry.businesses,
                reopen,
                retry=retry,
                hub=self.hub,
                centre=centre,
            )

        return self._for_unit(build)


def _payments(name: str) -> Callable[[Pages], PageFactory]:
    """A 缴存业务 page factory, its module imported only when the window asks for it."""

    def factory(pages: Pages) -> PageFactory:
        built: PageFactory | None = None

        def make() -> QWidget:
            nonlocal built
            if built is None:
                from app.views.payments import factories

                built = getattr(factories, name)(pages)
            return built()

        return make

    return factory


# A business that needs a page of its own (e.g. 汇缴核定) registers its factory here by menu
# key, one line each; every other entry gets the engine's page for its kind.
CUSTOM_PAGES: dict[str, Callable[[Pages], PageFactory]] = {
    "remittance": _payments("remittance"),
    "assessment-query": _payments("assessment_query"),
    "ratio-change": Pages.ratio_change_page,
    "ratio-change-query": Pages.ratio_query_page,
    "base-change": Pages.base_change_page,
}


def _factory(pages: Pages, entry: catalog.MenuEntry) -> PageFactory:
    from app.services.businesses import SPECS

    custom = CUSTOM_PAGES.get(entry.key)
    if custom is not None:
        return custom(pages)
    if entry.kind is catalog.EntryKind.QUERY:
        return pages.query_page(entry.key)
    code = entry.businesses[0]
    title = SPECS[code].template_title or f"{SPECS[code].name}批量导入模版"
    if entry.kind is catalog.EntryKind.BATCH:
        return pages.import_page(code, title)
    batch = catalog.batch_entry(code)
    return pages.pending_page(
        code, template_title=title, batch_entry=batch.key if batch is not None else None
    )


def record_kind(entry: catalog.MenuEntry) -> RecordKind:
    """What a query page's 中心记录 tab lists: every opening, or the rows of its businesses."""
    from app.services.engine.centre_records import OPENINGS
    from app.services.engine.centre_records import RecordKind as Kind

    if "open-account" in entry.businesses:
        return OPENINGS
    return Kind.rows_of(entry.label.removesuffix("查询"), entry.businesses)


def page_factories(
    services: AppServices, hub: ChangeHub | None = None, session: CentreSession | None = None
) -> PageFactories:
    """A factory per menu entry whose businesses are all registered; the window disables the
    others (registering a spec enables its business, 批量 and query pages: no second table).

    The pages publish what they change on `hub` (a new one if none is given); the main window
    listens to the same hub (`PageFactories.hub`).
    """
    from app.services.businesses import SPECS

    pages = Pages(services, hub or ChangeHub(), session)
    factories = PageFactories(pages.hub)
    for entry in catalog.all_entries():
        if entry.key in CUSTOM_PAGES or all(code in SPECS for code in entry.businesses):
            factories[entry.key] = _factory(pages, entry)
    return factories
