"""The main window: the business tree on the left, one page at a time on the right."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

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
from app.services.attachments import AttachmentService
from app.services.context import AppServices
from app.services.roster import RosterService, SyncCounts, fetch_from
from app.services.session import CentreSession
from app.views.home_page import HomePage
from app.views.login_dialog import LoginDialog
from app.views.ops import Op, OpContext
from app.views.originals_dialog import OriginalsDialog
from app.views.person_dialog import PersonDialog
from app.views.sync_controller import SyncController, current_unit_outbox
from app.views.unit_dialog import AddUnitDialog

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
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.session = session
        self.login_dialog: LoginDialog | None = None
        self.sync: SyncController | None = None
        self.person_dialog: PersonDialog | None = None
        self.originals_dialog: OriginalsDialog | None = None
        self.page_factories = dict(pages or {})
        self._pages: dict[str, QWidget] = {}
        self.setWindowTitle("住房公积金单位网厅客户端")
        self.setMinimumSize(760, 520)

        self.tree = self._build_tree()
        self.stack = QStackedWidget()
        self.home = HomePage(services)
        self.stack.addWidget(self.home)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([240, 760])
        self.setCentralWidget(self.splitter)

        self._build_toolbar()
        self._build_status_bar()
        self._restore_geometry()
        self.refresh_units()
        self.tree.setFocus()
        if session is not None:
            self.sync = SyncController(current_unit_outbox(services, session), self)
            self.sync.attach_to(self)
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
        """Show the page of a menu entry, making it on first use."""
        page = self._pages.get(key)
        if page is None:
            page = self.page_factories[key]()
            page.setObjectName(f"page-{key}")
            submitted = getattr(page, "submitted", None)
            if submitted is not None and self.sync is not None:
                submitted.connect(lambda _id: self._submitted())
            self._pages[key] = page
            self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        return page

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
        self.reset_pages()
        self.refresh_units()
        self.unit_changed.emit(code)

    def reset_pages(self) -> None:
        """Drop the pages built for the previous unit; they are made again on next use."""
        self.stack.setCurrentWidget(self.home)
        for page in self._pages.values():
            self.stack.removeWidget(page)
            page.deleteLater()
        self._pages.clear()

    def add_unit(self) -> None:
        dialog = AddUnitDialog(self.services.units, self)
        if dialog.exec() and dialog.added is not None:
            self.services.units.switch(dialog.added.code)
            self.reset_pages()
            self.refresh_units()
            self.unit_changed.emit(dialog.added.code)

    def show_originals(self) -> None:
        unit = self.services.units.current()
        if unit is None:
            return
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

    def logout(self) -> Op[bool] | None:
        """退出登录: the server revokes the tokens and the keyring forgets them."""
        unit, session, bar = self.services.units.current(), self.session, self.statusBar()
        if session is None or unit is None:
            return None
        self.set_online(False)
        note = "（未能连接服务器，令牌将在到期后失效）"
        return (
            Op(self, lambda ctx: session.logout(unit))
            .success(lambda revoked: bar.showMessage("已退出登录" + ("" if revoked else note)))
            .failure(lambda error: bar.showMessage(str(error), 8000))
            .run()
        )

    def _logged_in(self, dialog: LoginDialog) -> None:
        if dialog.outcome is None:
            return
        self.reset_pages()
        self.refresh_units()
        self.set_online(True)
        self.unit_changed.emit(dialog.outcome.unit.code)
        self.sync_roster()
        if self.sync is not None:
            self.sync.sync_now()  # what waited while logged out goes now

    def _submitted(self) -> None:
        """A list went into the outbox: count it, and send it now if we can."""
        self.refresh_status()
        if self.sync is not None:
            self.sync.sync_now()

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
            self.home.refresh()  # it shows how many people the local roster holds
            self.statusBar().showMessage(
                f"名册已同步：新增 {counts.added}，变更 {counts.changed}", 5000
            )

        def failed(error: BaseException) -> None:
            if isinstance(error, AuthError):
                self.show_login(hint=error.message)
            elif isinstance(error, OfflineError):
                self.set_online(False, error.message)
            else:
                self.statusBar().showMessage(str(error), 8000)

        return Op(self, work).success(done).failure(failed).run()

    # --- status bar -----------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        self.unit_label = QLabel()
        self.unit_label.setObjectName("statusUnit")
        self.online_label = QLabel()
        self.online_label.setObjectName("statusOnline")
        self.outbox_label = QLabel()
        self.outbox_label.setObjectName("statusOutbox")
        bar = self.statusBar()
        bar.addWidget(self.unit_label, 1)
        bar.addPermanentWidget(self.online_label)
        bar.addPermanentWidget(self.outbox_label)
        self.set_online(False)

    def set_online(self, online: bool, detail: str = "") -> None:
        text = "● 在线" if online else "○ 离线"
        self.online_label.setText(text)
        self.online_label.setToolTip(
            detail
            or ("已连接中心服务器" if online else "未连接中心服务器，可离线录入，联网后自动上传")
        )

    def refresh_status(self) -> None:
        unit = self.services.units.current()
        if unit is None:
            self.unit_label.setText("当前单位：无（请先添加单位）")
            self.outbox_label.setText("待上传：0")
            return
        self.unit_label.setText(f"当前单位：{unit.name}（{unit.code}）")
        count = self.services.units.outbox_count(unit.id)
        self.outbox_label.setText(f"待上传：{count}")

    # --- geometry -------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        geometry = self.services.settings.get("window_geometry")
        if geometry:
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode("ascii")))
        else:
            self.resize(1100, 720)
        splitter = self.services.settings.get("window_splitter")
        if splitter:
            self.splitter.restoreState(QByteArray.fromBase64(splitter.encode("ascii")))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
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
