"""The main window's frame: everything on screen before the local store is open (issue 12).

The tree, the page stack with the home page, the toolbar, the 文件 menu and the status bar are
built from Qt and the menu catalogue alone, so `gjj-desk` shows its window before SQLAlchemy,
the keyring or the centre's client are even imported. `MainWindow.fill` brings the data in
once the event loop runs; until then the home page, the unit switcher and the status bar say
正在载入…, the toolbar's actions wait disabled, and an entry clicked in the tree is remembered
and opened as soon as its page can be built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QSplitter, QStackedWidget, QWidget

from app.services import catalog
from app.views.business_tree import build_tree
from app.views.changes import ChangeHub
from app.views.home_page import HomePage
from app.views.messages import StatusMessages
from app.views.status_bar import StatusLabels
from app.views.unit_pages import UnitPages
from app.views.unit_toolbar import UnitToolbar

if TYPE_CHECKING:
    from app.services.first_screen import FirstScreen

LOADING = "正在载入…"


class WindowFrame(QMainWindow):
    """The widgets of the main window, not yet connected to any data."""

    # The home page and the status bar show the unit, read ahead of the store (`show_screen`);
    # the pages and the toolbar wait for `filled` (MainWindow.fill).
    first_screen = Signal()

    def __init__(self, hub: ChangeHub | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # One "what changed" signal for every view: the pages publish on this hub. No parent:
        # it outlives the window's children (a page disconnects from it when destroyed).
        self.changes = hub if hub is not None else ChangeHub()
        self.filled_in = False  # True once MainWindow.fill has connected the data
        self.setWindowTitle("住房公积金单位网厅客户端")
        self.setMinimumSize(640, 480)  # fits 1024×768 at 150 % scaling (683×512)

        # Every entry of the menu until the pages are known (fill disables the missing ones).
        self.tree = build_tree({entry.key for entry in catalog.all_entries()})
        self.stack = QStackedWidget()
        self.pages = UnitPages(self.stack)
        self.home = HomePage(None, hub=self.changes)
        self.stack.addWidget(self.home)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(0, False)
        self.splitter.setSizes([self.tree.minimumWidth(), 760])
        self.setCentralWidget(self.splitter)

        self._build_toolbar()
        # The 文件 menu's place, so the window does not jump when the real one comes in.
        loading_menu = self.menuBar().addMenu("文件(&F)")
        loading_menu.addAction(LOADING).setEnabled(False)
        self.messages = StatusMessages(self.statusBar())  # the window's one message bridge
        self.status = StatusLabels(self.statusBar(), None, None)
        self.unit_label, self.online_label = self.status.unit, self.status.online
        self.login_label, self.outbox_label = self.status.login, self.status.outbox
        self.tree.setFocus()

    def _build_toolbar(self) -> None:
        bar = UnitToolbar(self)
        self.unit_box = bar.unit_box
        self.unit_box.addItem(LOADING, None)
        self.add_unit_action, self.login_action = bar.add_unit_action, bar.login_action
        self.logout_action, self.find_action = bar.logout_action, bar.find_action
        self.originals_action, self.sync_action = bar.originals_action, bar.sync_action
        self.window_actions = (
            self.add_unit_action,
            self.login_action,
            self.logout_action,
            self.find_action,
            self.originals_action,
            self.sync_action,
        )
        for action in self.window_actions:
            action.setEnabled(False)  # until the data is in (MainWindow.fill)
        self.unit_box.setEnabled(False)
        self.addToolBar(bar)
        focus_tree = QAction(self)
        focus_tree.setShortcut(QKeySequence("Ctrl+M"))
        focus_tree.triggered.connect(self.tree.setFocus)
        self.addAction(focus_tree)

    def show_screen(self, screen: FirstScreen) -> None:
        """The unit, read with plain sqlite3 while the store opens: on the home page, the
        unit switcher (still disabled) and the status bar. Nothing once the fill is in."""
        if self.filled_in:
            return
        self.unit_box.clear()
        for unit in screen.units:
            self.unit_box.addItem(f"{unit.name}（{unit.code}）", unit.code)
        if screen.current is not None:
            self.unit_box.setCurrentIndex(self.unit_box.findData(screen.current.code))
        else:
            self.unit_box.addItem("（尚未添加单位）", None)
        self.home.show_screen(screen)
        self.status.show_screen(screen)
        self.first_screen.emit()

    def _frame_filled(self) -> None:
        """The data is in: the window's actions work, the 文件 menu is the real one's to add."""
        self.menuBar().clear()
        for action in self.window_actions:
            action.setEnabled(True)
        self.unit_box.setEnabled(True)
        self.filled_in = True
