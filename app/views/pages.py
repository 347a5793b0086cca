"""Which page each menu entry opens, for the current unit (wiring by constructor)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from app.errors import AuthError
from app.services import catalog
from app.services.api.client import CentreClient
from app.services.attachments import AttachmentService
from app.services.businesses import SPECS
from app.services.businesses.transfer import transfer_fill
from app.services.changes import Changes
from app.services.context import AppServices
from app.services.engine.centre_check import open_account_check
from app.services.engine.centre_records import OPENINGS, CentreRecords, RecordKind
from app.services.engine.centre_rows import centre_rows_check
from app.services.engine.history import SubmissionHistory
from app.services.engine.pending import PendingLists
from app.services.outbox import requeue_failed
from app.services.policy import CentrePolicy
from app.services.scanning import Scanner, default_scanner
from app.services.session import CentreSession
from app.services.units import UnitInfo
from app.views.business.centre_records import CentreRecordsPanel
from app.views.business.import_page import ImportPage
from app.views.business.pending_page import PendingPage
from app.views.business.query_page import QueryPage
from app.views.changes import ChangeHub

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
            self._scanner = default_scanner()
        return self._scanner

    def _policy(self, unit: UnitInfo) -> Callable[[], CentrePolicy]:
        return lambda: self.services.units.policy(unit.id)  # read at each use

    def _pending(self, unit: UnitInfo, code: str) -> PendingLists:
        check = open_account_check(self._client(unit)) if code == "open-account" else None
        fill = transfer_fill(self._client(unit)) if code == "transfer" else None
        pending = PendingLists(
            self.services.store,
            SPECS[code],
            unit.id,
            self._policy(unit),
            centre_check=check,
            centre_fill=fill,
        )
        if code == "transfer":  # the centre's own row checks before 转移 (全部提交)
            pending.centre_check = centre_rows_check(self._client(unit), code, pending.rows)
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
        self, page: PendingPage | ImportPage, code: str, refresh: Callable[[], None]
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
            attachments = AttachmentService(self.services.store, unit.id)
            page = PendingPage(
                self._pending(unit, code),
                attachments,
                self._policy(unit),
                scanner=self.scanner,
                template_title=template_title,
                batch_entry=batch_entry,
            )
            self._on_hub(page, code, page.refresh)
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
            self._on_hub(page, code, page.list.refresh)
            return page

        return self._for_unit(build)

    def query_page(self, key: str) -> PageFactory:
        entry = catalog.entry(key)

        def build(unit: UnitInfo) -> QWidget:
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
            return QueryPage(
                entry.label,
                history,
                entry.businesses,
                reopen,
                retry=retry,
                hub=self.hub,
                centre=centre,
            )

        return self._for_unit(build)


def record_kind(entry: catalog.MenuEntry) -> RecordKind:
    """What a query page's 中心记录 tab lists: every opening, or the rows of its businesses."""
    if "open-account" in entry.businesses:
        return OPENINGS
    return RecordKind.rows_of(entry.label.removesuffix("查询"), entry.businesses)


def page_factories(
    services: AppServices, hub: ChangeHub | None = None, session: CentreSession | None = None
) -> PageFactories:
    """A factory per menu entry that is built; the window disables the others.

    The pages publish what they change on `hub` (a new one if none is given); the main window
    listens to the same hub (`PageFactories.hub`).
    """
    pages = Pages(services, hub or ChangeHub(), session)
    factories = PageFactories(pages.hub)
    factories["open-account"] = pages.pending_page(
        "open-account", template_title="身份证批量开户模版", batch_entry="open-account-batch"
    )
    factories["open-account-batch"] = pages.import_page("open-account", "身份证批量开户模版")
    factories["open-account-query"] = pages.query_page("open-account-query")
    factories["transfer"] = pages.pending_page("transfer", template_title="内部转移模版")
    for key in ("seal-query", "transfer-query"):  # once every business they list is here
        if all(code in SPECS for code in catalog.entry(key).businesses):
            factories[key] = pages.query_page(key)
    return factories
