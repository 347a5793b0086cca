"""The main window: the business tree on the left, one page at a time on the right."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from app.errors import AuthError, KnownError, OfflineError
from app.services import catalog
from app.services.changes import Changes
from app.services.context import AppServices
from app.services.demo import DEMO_UNIT_CODE
from app.services.outbox import waiting_note
from app.services.roster import RosterService, SyncCounts, fetch_from
from app.services.session import CentreSession
from app.views.backup_menu import BackupMenu
from app.views.changes import ChangeHub
from app.views.home_page import HomePage
from app.views.login_dialog import LoginDialog, demo_hint
from app.views.ops import Op, OpContext
from app.views.pages import PageFactories
from app.views.person_dialog import PersonDialog
from app.views.status_bar import StatusLabels
from app.views.sync_controller import SyncController, current_unit_outbox
from app.views.unit_dialog import AddUnitDialog
from app.views.unit_pages import UnitPages

if TYPE_CHECKING:
    from app.views.originals_dialog import OriginalsDialog

logger = logging.getLogger(__name__)

PageFactory = Callable[[], QWidget]
ENTRY_ROLE = Qt.ItemDataRole.UserRole


class MainWindow(QMainWindow):
    """Hosts the tree menu of PRODUCT.md and the page of the chosen entry."""

    unit_changed = Signal(str)

    def __init__(
        self,
        services: AppServices,
        pages: Mapping[str, PageFactory] | None = None,
        parent: QWidget | None = None,
        *,
        session: CentreSession | None = None,
        hub: ChangeHub | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        # One "what changed" signal for every view: the pages publish on the hub they were
        # made with, so the window listens to that one.
        if hub is None:
            hub = pages.hub if isinstance(pages, PageFactories) else ChangeHub(self)
        self.changes = hub
        self.changes.changed.connect(self._changed)
        self.session = session
        self.login_dialog: LoginDialog | None = None
        self.sync: SyncController | None = None
        self.person_dialog: PersonDialog | None = None
        self.originals_dialog: OriginalsDialog | None = None
        self.unit_dialog: AddUnitDialog | None = None
        self.close_warning: QMessageBox | None = None
        self._close_confirmed = False
        self.page_factories = dict(pages or {})
        self._shown_unit: str | None = None
        self.setWindowTitle("住房公积金单位网厅客户端")
        self.setMinimumSize(640, 480)  # fits 1024×768 at 150 % scaling (683×512)

        self.tree = self._build_tree()
        self.stack = QStackedWidget()
        self.pages = UnitPages(self.stack)
        self.home = HomePage(services, hub=self.changes)
        self.stack.addWidget(self.home)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(0, False)
        self.splitter.setSizes([self.tree.minimumWidth(), 760])
        self.setCentralWidget(self.splitter)

        self._build_toolbar()
        self._build_status_bar()
        self.backup_menu = BackupMenu(self, services)  # 文件 → 备份数据 / 恢复数据
        self._restore_geometry()
        self.refresh_units()
        self.tree.setFocus()
        if session is not None:
            self.sync = SyncController(
                current_unit_outbox(services, session), self, hub=self.changes
            )
            self.sync.online_changed.connect(self.status.sync_reached)
            self.sync.outbox_changed.connect(self.refresh_status)
            self.sync.said.connect(lambda text: self.statusBar().showMessage(text, 10000))
            self.sync.auth_required.connect(
                lambda: self.show_login(hint="登录已过期，请重新登录；未上传的提交都已保留。")
            )
            self.sync.start()

    # --- tree -----------------------------------------------------------------------------
    def _build_tree(self) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setHeaderHidden(True)
        tree.setObjectName("businessTree")
        tree.setAccessibleName("业务菜单")
        for group in catalog.MENU:
            group_item = QTreeWidgetItem([group.label])
            group_item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            bold = group_item.font(0)
            bold.setBold(True)
            group_item.setFont(0, bold)
            tree.addTopLevelItem(group_item)
            for entry in group.entries:
                item = QTreeWidgetItem([entry.label])
                item.setData(0, ENTRY_ROLE, entry.key)
                if entry.key in self.page_factories:
                    item.setToolTip(0, entry.label)
                else:
                    item.setFlags(Qt.ItemFlag.NoItemFlags)
                    item.setToolTip(0, f"「{entry.label}」尚未开放：该业务将在后续版本中提供。")
                group_item.addChild(item)
        tree.expandAll()
        # As wide as the longest entry at any font size or scaling (no "个人账…" at 800×600).
        tree.setMinimumWidth(
            tree.sizeHintForColumn(0) + 2 * tree.frameWidth() + tree.indentation() // 2 + 8
        )
        tree.itemActivated.connect(self._open_item)
        tree.currentItemChanged.connect(lambda current, _prev: self._open_item(current))
        return tree

    def _open_item(self, item: QTreeWidgetItem | None) -> None:
        if item is None:
            return
        key = item.data(0, ENTRY_ROLE)
        if key and key in self.page_factories:
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
        return self.pages.show(unit.code if unit else None, key, make)

    def current_page(self) -> QWidget | None:
        return self.stack.currentWidget()

    def entry_item(self, key: str) -> QTreeWidgetItem:
        for item in self.entry_items():
            if item.data(0, ENTRY_ROLE) == key:
                return item
        raise KeyError(key)

    def entry_items(self) -> list[QTreeWidgetItem]:
        """The business and query items of the tree, in menu order."""
        items: list[QTreeWidgetItem] = []
        for index in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(index)
            assert group is not None
            items.extend(c for i in range(group.childCount()) if (c := group.child(i)))
        return items

    # --- toolbar: unit switcher -----------------------------------------------------------
    def _build_toolbar(self) -> None:
        bar = QToolBar("单位")
        bar.setObjectName("unitToolbar")
        bar.setMovable(False)
        label = QLabel("当前单位：")
        self.unit_box = QComboBox()
        self.unit_box.setObjectName("unitSwitcher")
        self.unit_box.setMinimumWidth(280)
        self.unit_box.setAccessibleName("当前单位")
        label.setBuddy(self.unit_box)
        self.unit_box.activated.connect(self._switch_unit)
        bar.addWidget(label)
        bar.addWidget(self.unit_box)
        self.add_unit_action = QAction("添加单位…", self)
        self.add_unit_action.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.add_unit_action.triggered.connect(self.add_unit)
        bar.addAction(self.add_unit_action)
        self.login_action = QAction("登录…", self)
        self.login_action.setObjectName("loginAction")
        self.login_action.setShortcut(QKeySequence("Ctrl+L"))
        self.login_action.triggered.connect(lambda: self.show_login())
        self.login_action.setEnabled(self.session is not None)
        bar.addAction(self.login_action)
        self.logout_action = QAction("退出登录", self)
        self.logout_action.setObjectName("logoutAction")
        self.logout_action.triggered.connect(self.logout)
        bar.addAction(self.logout_action)
        self.find_action = QAction("查找职工…", self)
        self.find_action.setObjectName("findPersonAction")
        self.find_action.setShortcut(QKeySequence("Ctrl+F"))
        self.find_action.setToolTip("按姓名、个人账号或证件号码查找本单位职工（离线可用）")
        self.find_action.triggered.connect(self.find_person)
        bar.addAction(self.find_action)
        self.originals_action = QAction("本机影像资料…", self)
        self.originals_action.setObjectName("originalsAction")
        self.originals_action.setToolTip("本机保存的扫描件与清理日期")
        self.originals_action.triggered.connect(self.show_originals)
        bar.addAction(self.originals_action)
        self.sync_action = QAction("立即同步", self)
        self.sync_action.setObjectName("syncNowAction")
        self.sync_action.setShortcut(QKeySequence("F5"))
        self.sync_action.setToolTip(
            "立即上传待上传的提交并取回审核状态和名册（F5）；平时每 60 秒自动同步一次"
        )
        self.sync_action.triggered.connect(self.sync_now)
        bar.addAction(self.sync_action)
        self.addToolBar(bar)

        focus_tree = QAction(self)
        focus_tree.setShortcut(QKeySequence("Ctrl+M"))
        focus_tree.triggered.connect(self.tree.setFocus)
        self.addAction(focus_tree)

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
        current = self.services.units.current()
        self.show_login(
            server_url=server_url,
            unit_code=current.code if current else DEMO_UNIT_CODE,
            hint=demo_hint(server_url),
        )

    def logout(self) -> Op[bool] | None:
        """退出登录: the server revokes the tokens and the keyring forgets them."""
        unit, session, bar = self.services.units.current(), self.session, self.statusBar()
        if session is None or unit is None:
            return None
        note = "（未能连接服务器，令牌将在到期后失效）"

        def done(revoked: bool) -> None:
            self.refresh_status()  # 未登录 now; 在线/离线 is another matter
            bar.showMessage("已退出登录" + ("" if revoked else note))

        return (
            Op(self, lambda ctx: session.logout(unit))
            .success(done)
            .failure(lambda error: bar.showMessage(str(error), 8000))
            .run()
        )

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
            self.statusBar().showMessage(outcome.notice, 15_000)
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
            self.statusBar().showMessage("未连接中心服务器（离线模式）：无法同步。", 8000)
            return
        self.statusBar().showMessage("正在同步…", 3000)
        self.sync.sync_now(manual=True)

    def sync_roster(self) -> Op[SyncCounts] | None:
        """Bring the roster cache up to date in the background (delta since the last sync)."""
        unit = self.services.units.current()
        if self.session is None or unit is None or not self.session.is_logged_in(unit):
            return None
        session, store = self.session, self.services.store

        def work(ctx: OpContext) -> SyncCounts:
            with session.client(unit) as client:
                return RosterService(store, unit.id).sync(
                    fetch_from(client), cancelled=lambda: ctx.cancelled
                )

        def done(counts: SyncCounts) -> None:
            self.set_online(True)
            self.changes.publish(Changes(roster=True))  # the home page counts the roster
            self.statusBar().showMessage(
                f"名册已同步：新增 {counts.added}，变更 {counts.changed}", 5000
            )

        def failed(error: BaseException) -> None:
            if isinstance(error, AuthError):
                self.refresh_status()  # 未登录 now
                self.show_login(hint=error.message)
            elif isinstance(error, OfflineError):
                self.set_online(False, error.message)
            else:
                self.statusBar().showMessage(str(error), 8000)

        return Op(self, work).success(done).failure(failed).run()

    # --- status bar -----------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        self.status = StatusLabels(self.statusBar(), self.services.units, self.session)
        self.status.login_requested.connect(lambda: self.show_login())
        self.unit_label, self.online_label = self.status.unit, self.status.online
        self.login_label, self.outbox_label = self.status.login, self.status.outbox

    def set_online(self, online: bool, detail: str = "") -> None:
        self.status.set_online(online, detail)

    def refresh_status(self) -> None:
        self.status.refresh()

    # --- geometry -------------------------------------------------------------------------
    def _fit_screen(self) -> None:
        """Never larger than the screen, nor off it: 1024×768 is a common office screen, and a
        size kept from a bigger one (or a second monitor since unplugged) would hide 添加."""
        screen = self.screen().availableGeometry()
        frame = self.frameGeometry().size() - self.geometry().size()  # title bar and borders
        width = min(self.width(), screen.width() - frame.width())
        height = min(self.height(), screen.height() - frame.height())
        self.resize(max(width, self.minimumWidth()), max(height, self.minimumHeight()))
        if not screen.contains(self.frameGeometry().topLeft()):
            self.move(screen.topLeft())

    def _restore_geometry(self) -> None:
        geometry = self.services.settings.get("window_geometry")
        if geometry:
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode("ascii")))
        else:
            self.resize(1100, 720)
        self._fit_screen()
        splitter = self.services.settings.get("window_splitter")
        if splitter:
            self.splitter.restoreState(QByteArray.fromBase64(splitter.encode("ascii")))

    def closing_warning(self) -> str | None:
        """What a clerk must know before closing: submissions the centre does not have yet."""
        unit = self.services.units.current()
        if unit is None:
            return None
        note = waiting_note(self.services.units.outbox_waiting(unit.id))
        return None if note is None else f"{note}\n\n确定要退出吗？"

    def _ask_before_closing(self, text: str) -> None:
        """A non-blocking question: 退出 closes for good, 取消 (the default) keeps working."""
        box = QMessageBox(QMessageBox.Icon.Warning, "退出", text, parent=self)
        box.setObjectName("closeWarning")
        leave = box.addButton("退出", QMessageBox.ButtonRole.AcceptRole)
        stay = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(stay)

        def answered() -> None:
            if box.clickedButton() is leave:
                self._close_confirmed = True
                self.close()

        box.finished.connect(lambda _result: answered())
        self.close_warning = box
        box.open()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        asked = self._close_confirmed or not self.isVisible()
        warning = None if asked else self.closing_warning()
        if warning is not None:
            event.ignore()  # nothing is lost either way; the clerk decides after reading it
            if self.close_warning is None or not self.close_warning.isVisible():
                self._ask_before_closing(warning)
            return
        if self.sync is not None:
            self.sync.stop()  # an item mid-send resumes on next start, with the same key
        try:
            settings = self.services.settings
            settings.set("window_geometry", _b64(self.saveGeometry()))
            settings.set("window_splitter", _b64(self.splitter.saveState()))
        except KnownError as error:  # a full disk must not stop the window from closing
            logger.warning("could not save window geometry: %s", error)
        super().closeEvent(event)


def _b64(data: QByteArray) -> str:
    return bytes(data.toBase64().data()).decode("ascii")
