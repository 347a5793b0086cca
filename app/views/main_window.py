"""The main window: the business tree on the left, one page at a time on the right."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMessageBox, QTreeWidgetItem, QWidget

from app.errors import AuthError, KnownError, OfflineError
from app.services.changes import Changes
from app.services.demo import DEMO_UNIT_CODE
from app.views import window_geometry
from app.views.business_tree import ENTRY_ROLE, close_missing, entry_item, entry_items
from app.views.changes import ChangeHub
from app.views.close_question import ask_before_closing
from app.views.messages import LONG_MS, NORMAL_MS, SHORT_MS
from app.views.ops import Op
from app.views.window_frame import WindowFrame

# The store, the session, the centre's client and the dialogs are imported when the window is
# filled in or they are first used: after the window is on screen.
if TYPE_CHECKING:
    from app.services.context import AppServices
    from app.services.roster import SyncCounts
    from app.services.session import CentreSession
    from app.services.settings import Settings
    from app.views.backup_menu import BackupMenu
    from app.views.login_dialog import LoginDialog
    from app.views.originals_dialog import OriginalsDialog
    from app.views.pages import PageFactory
    from app.views.person_dialog import PersonDialog
    from app.views.sync_controller import SyncController
    from app.views.unit_dialog import AddUnitDialog

logger = logging.getLogger(__name__)


class MainWindow(WindowFrame):
    """Hosts the tree menu of PRODUCT.md and the page of the chosen entry. Filled in at once
    with `services`; with None it is the frame alone (window_frame.py) until `fill`."""

    unit_changed = Signal(str)
    filled = Signal()  # the data is in: the home page, the status bar and the pages work

    services: AppServices
    session: CentreSession | None = None
    backup_menu: BackupMenu

    def __init__(
        self,
        services: AppServices | None,
        pages: Mapping[str, PageFactory] | None = None,
        parent: QWidget | None = None,
        *,
        session: CentreSession | None = None,
        hub: ChangeHub | None = None,
        settings: Settings | None = None,
    ) -> None:
        # The pages publish on the hub they were made with, so the window listens to that one.
        if hub is None:
            hub = getattr(pages, "hub", None)  # PageFactories.hub
        super().__init__(hub, parent)
        self.changes.changed.connect(self._changed)
        self.login_dialog: LoginDialog | None = None
        self.sync: SyncController | None = None
        self.person_dialog: PersonDialog | None = None
        self.originals_dialog: OriginalsDialog | None = None
        self.unit_dialog: AddUnitDialog | None = None
        self.close_warning: QMessageBox | None = None
        self._close_confirmed = False
        self._wanted: str | None = None  # an entry clicked before the pages could be built
        self.page_factories: dict[str, PageFactory] = {}
        self._shown_unit: str | None = None
        self.tree.itemActivated.connect(self._open_item)
        self.tree.currentItemChanged.connect(lambda current, _prev: self._open_item(current))
        self._connect_toolbar()
        self.status.login_requested.connect(lambda: self.show_login())
        if services is not None:
            window_geometry.restore(self, self.splitter, services.settings)
            self.fill(services, pages or {}, session)
        elif settings is not None:
            window_geometry.restore(self, self.splitter, settings)

    def fill(
        self,
        services: AppServices,
        pages: Mapping[str, PageFactory],
        session: CentreSession | None = None,
    ) -> None:
        """Connect the opened store, the pages and the session; then say `filled`."""
        from app.views.backup_menu import BackupMenu

        self.services, self.session = services, session
        self.page_factories = dict(pages)
        close_missing(self.tree, self.page_factories)
        self._frame_filled()
        self.login_action.setEnabled(session is not None)
        self.backup_menu = BackupMenu(self, services, self.messages)  # 文件 → 备份 / 恢复
        self.home.attach(services)
        self.status.attach(services.units, session)
        self.refresh_units()
        if session is not None:
            self._start_sync(services, session)
        wanted, self._wanted = self._wanted, None
        if wanted is not None and wanted in self.page_factories:
            self.open_page(wanted)  # the clerk's click while the window was filling in
        self.filled.emit()

    def _start_sync(self, services: AppServices, session: CentreSession) -> None:
        from app.views.sync_controller import SyncController, current_unit_outbox

        self.sync = SyncController(current_unit_outbox(services, session), self, hub=self.changes)
        self.sync.online_changed.connect(self.status.sync_reached)
        self.sync.outbox_changed.connect(self.refresh_status)
        self.sync.said.connect(self.messages.say)
        self.sync.auth_required.connect(
            lambda: self.show_login(hint="登录已过期，请重新登录；未上传的提交都已保留。")
        )
        self.sync.start()

    # --- tree -----------------------------------------------------------------------------
    def _open_item(self, item: QTreeWidgetItem | None) -> None:
        key = item.data(0, ENTRY_ROLE) if item is not None else None
        if key and not self.filled_in:
            self._wanted = key  # opened by fill, as soon as the page can be built
        elif key and key in self.page_factories:
            self.open_page(key)

    def open_page(self, key: str) -> QWidget:
        """Show the current unit's page of a menu entry, making it on first use.

        Each unit keeps its pages (UnitPages): nothing typed is lost to a unit switch or login.
        """

        def make() -> QWidget:
            page = self.page_factories[key]()
            page.setObjectName(f"page-{key}")
            open_entry = getattr(page, "open_entry", None)  # a page's link to another entry
            if open_entry is not None:
                open_entry.connect(lambda key: self.tree.setCurrentItem(self.entry_item(key)))
            return page

        unit = self.services.units.current()
        page = self.pages.show(unit.code if unit else None, key, make)
        window_geometry.grow_for(self, page, self.stack)  # a bigger page: the window grows
        return page

    def current_page(self) -> QWidget | None:
        return self.stack.currentWidget()

    def entry_item(self, key: str) -> QTreeWidgetItem:
        return entry_item(self.tree, key)

    def entry_items(self) -> list[QTreeWidgetItem]:
        """The business and query items of the tree, in menu order."""
        return entry_items(self.tree)

    # --- toolbar: unit switcher -----------------------------------------------------------
    def _connect_toolbar(self) -> None:
        self.unit_box.activated.connect(self._switch_unit)
        self.add_unit_action.triggered.connect(self.add_unit)
        self.login_action.triggered.connect(lambda: self.show_login())
        self.logout_action.triggered.connect(self.logout)
        self.find_action.triggered.connect(self.find_person)
        self.originals_action.triggered.connect(self.show_originals)
        self.sync_action.triggered.connect(self.sync_now)

    def refresh_units(self) -> None:
        current = self.services.units.current()
        self.unit_box.blockSignals(True)
        self.unit_box.clear()
        for unit in self.services.units.list():
            self.unit_box.addItem(f"{unit.name}（{unit.code}）", unit.code)
        if current is not None:
            self.unit_box.setCurrentIndex(self.unit_box.findData(current.code))
        else:
            self.unit_box.addItem("（尚未添加单位）", None)
        self.unit_box.blockSignals(False)
        self._shown_unit = current.code if current else None
        self.refresh_status()
        self.home.refresh()

    def _switch_unit(self, index: int) -> None:
        code = self.unit_box.itemData(index)
        if not code:
            return
        try:
            self.services.units.switch(code)
        except KnownError as error:
            QMessageBox.warning(self, "切换单位", error.message)
            return
        self._unit_now_current()
        self.unit_changed.emit(code)

    def _unit_now_current(self) -> None:
        """Another unit became current: show its own pages (as it left them), same entry."""
        entry = self.pages.shown_entry()
        self.pages.drop_unitless()
        self.refresh_units()
        self.pages.refresh(self._shown_unit)
        if entry is None:
            self.stack.setCurrentWidget(self.home)
        else:
            self.open_page(entry)

    def add_unit(self) -> AddUnitDialog:
        from app.views.unit_dialog import AddUnitDialog

        dialog = AddUnitDialog(self.services.units, self)
        dialog.accepted.connect(lambda: self._unit_added(dialog))
        self.unit_dialog = dialog
        dialog.open()
        return dialog

    def _unit_added(self, dialog: AddUnitDialog) -> None:
        unit = dialog.added
        if unit is None:
            return
        self.services.units.switch(unit.code)
        self._unit_now_current()
        self.unit_changed.emit(unit.code)
        # A unit nobody logged in to is 未登录 (the status bar says so); offer the login now.
        self.show_login(
            unit_code=unit.code,
            hint=f"已添加单位 {unit.name}（{unit.code}）。登录后即可上传和同步名册；"
            "也可以先点“离线使用”录入，稍后再登录。",
        )

    def show_originals(self) -> None:
        unit = self.services.units.current()
        if unit is None:
            return
        from app.services.attachments import AttachmentService  # PDF libraries: not at start
        from app.views.originals_dialog import OriginalsDialog

        attachments = AttachmentService(self.services.store, unit.id)
        self.originals_dialog = OriginalsDialog(attachments, self)
        self.originals_dialog.open()

    def find_person(self) -> None:
        unit = self.services.units.current()
        if unit is None:
            QMessageBox.information(self, "查找职工", "请先添加或登录单位。")
            return
        from app.services.roster import RosterService
        from app.views.person_dialog import PersonDialog

        self.person_dialog = PersonDialog(RosterService(self.services.store, unit.id), self)
        self.person_dialog.open()

    # --- login and roster ---------------------------------------------------------------
    def show_login(
        self,
        *,
        server_url: str | None = None,
        unit_code: str | None = None,
        hint: str | None = None,
    ) -> None:
        """The login dialog (also where a 401 leads); work in progress stays as it is."""
        if self.session is None:
            return
        if self.login_dialog is not None and self.login_dialog.isVisible():
            self.login_dialog.raise_()
            return
        from app.views.login_dialog import LoginDialog

        current = self.services.units.current()
        dialog = LoginDialog(
            self.session,
            server_url=server_url,
            unit_code=unit_code or (current.code if current else None),
            hint=hint,
            parent=self,
        )
        dialog.accepted.connect(lambda: self._logged_in(dialog))
        self.login_dialog = dialog
        dialog.open()

    def show_demo_login(self, server_url: str) -> None:
        """Demo mode's login: the local demo centre, for the unit the clerk is working on."""
        from app.views.login_dialog import demo_hint

        current = self.services.units.current()
        self.show_login(
            server_url=server_url,
            unit_code=current.code if current else DEMO_UNIT_CODE,
            hint=demo_hint(server_url),
        )

    def logout(self) -> Op[bool] | None:
        """退出登录: the server revokes the tokens and the keyring forgets them."""
        unit, session, say = self.services.units.current(), self.session, self.messages.say
        if session is None or unit is None:
            return None
        note = "（未能连接服务器，令牌将在到期后失效）"

        def done(revoked: bool) -> None:
            self.refresh_status()  # 未登录 now; 在线/离线 is another matter
            say("已退出登录" + ("" if revoked else note), 0)

        failed = lambda error: say(str(error), NORMAL_MS, error=True)  # noqa: E731
        from app.views.operations import account as operations

        return operations.logout(self, session, unit).success(done).failure(failed).run()

    def _logged_in(self, dialog: LoginDialog) -> None:
        outcome = dialog.outcome
        if outcome is None:
            return
        if outcome.unit.code != self._shown_unit:
            self._unit_now_current()  # the previous unit's pages stay as they were
        else:
            self.refresh_units()
            self.pages.refresh(self._shown_unit)  # same unit: data refreshed, typing kept
        self.set_online(True)
        if outcome.notice:
            self.messages.say(outcome.notice, LONG_MS)
        self.unit_changed.emit(outcome.unit.code)
        self.sync_roster()
        if self.sync is not None:
            self.sync.sync_now()  # what waited while logged out goes now

    def _changed(self, changes: Changes) -> None:
        """Something changed: the status bar counts again; new work in the outbox goes now."""
        if changes.submissions or changes.unit:
            self.refresh_status()
        if changes.queued and self.sync is not None:
            self.sync.sync_now()

    def sync_now(self) -> None:
        """立即同步 (F5): send now, even what waits out its backoff, and pull states back."""
        if self.sync is None:
            self.messages.say("未连接中心服务器（离线模式）：无法同步。", error=True)
            return
        self.messages.say("正在同步…", SHORT_MS)
        self.sync.sync_now(manual=True)

    def sync_roster(self) -> Op[SyncCounts] | None:
        """Bring the roster cache up to date in the background (delta since the last sync)."""
        unit = self.services.units.current()
        if self.session is None or unit is None or not self.session.is_logged_in(unit):
            return None
        from app.views.operations import account as operations

        op = operations.sync_roster(self, self.services.store, self.session, unit, self.changes)

        def done(counts: SyncCounts) -> None:
            self.set_online(True)
            self.messages.say(f"名册已同步：新增 {counts.added}，变更 {counts.changed}", SHORT_MS)

        def failed(error: BaseException) -> None:
            if isinstance(error, AuthError):
                self.refresh_status()  # 未登录 now
                self.show_login(hint=error.message)
            elif isinstance(error, OfflineError):
                self.set_online(False, error.message)
            else:
                self.messages.say(str(error), error=True)

        return op.success(done).failure(failed).run()

    # --- status bar (window_frame.py builds it) ----------------------------------------------
    def set_online(self, online: bool, detail: str = "") -> None:
        self.status.set_online(online, detail)

    def refresh_status(self) -> None:
        self.status.refresh()

    # --- closing -------------------------------------------------------------------------
    def closing_warning(self) -> str | None:
        """What a clerk must know before closing: submissions the centre does not have yet."""
        unit = self.services.units.current() if self.filled_in else None
        if unit is None:
            return None
        from app.services.outbox import waiting_note

        note = waiting_note(self.services.units.outbox_waiting(unit.id))
        return None if note is None else f"{note}\n\n确定要退出吗？"

    def _leave(self) -> None:
        self._close_confirmed = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        asked = self._close_confirmed or not self.isVisible()
        warning = None if asked else self.closing_warning()
        if warning is not None:
            event.ignore()  # nothing is lost either way; the clerk decides after reading it
            if self.close_warning is None or not self.close_warning.isVisible():
                self.close_warning = ask_before_closing(self, warning, self._leave)
            return
        if self.sync is not None:
            self.sync.stop()  # an item mid-send resumes on next start, with the same key
        if self.filled_in:
            window_geometry.save(self, self.splitter, self.services.settings)
        super().closeEvent(event)
