"""The main window's status bar: the unit, 在线/离线, 已登录/未登录 and 待上传, each its own label.

Being online (the centre's server was reached) and being logged in (this unit has a login the
server accepts) are two different things, and the clerk sees both: a unit added a minute ago
is 未登录 even while the server is 在线.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QStatusBar

from app.services import versions
from app.views.looks import set_state

if TYPE_CHECKING:  # the store and the keyring come after the window is shown (window_frame.py)
    from app.services.first_screen import FirstScreen
    from app.services.session import CentreSession
    from app.services.units import UnitInfo, UnitService

OFFLINE_HINT = "未连接中心服务器，可离线录入，联网后自动上传"


def _label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    return label


class StatusLabels(QObject):
    """The four labels, and what they say for the current unit (正在载入… until `attach`)."""

    login_requested = Signal()

    def __init__(
        self, bar: QStatusBar, units: UnitService | None, session: CentreSession | None
    ) -> None:
        super().__init__(bar)
        self.units = units
        self.session = session
        self.unit = _label("statusUnit")
        self.online = _label("statusOnline")
        self.login = _label("statusLogin")
        self.login.setTextFormat(Qt.TextFormat.RichText)
        self.login.linkActivated.connect(lambda _link: self.login_requested.emit())
        self.outbox = _label("statusOutbox")
        self.upgrade = _label("statusUpgrade")  # shown only when the centre has a newer version
        self.upgrade.setText("有新版本")
        self.upgrade.hide()
        bar.addWidget(self.unit, 1)
        bar.addPermanentWidget(self.upgrade)
        bar.addPermanentWidget(self.online)
        bar.addPermanentWidget(self.login)
        bar.addPermanentWidget(self.outbox)
        self.login.setVisible(session is not None)
        self.set_online(False)
        if units is None:
            self.unit.setText("当前单位：正在载入…")

    def attach(self, units: UnitService, session: CentreSession | None) -> None:
        """The store (and the session) are there: say what they hold."""
        self.units, self.session = units, session
        self.login.setVisible(session is not None)
        self.refresh()

    def show_screen(self, screen: FirstScreen) -> None:
        """The unit and what waits, read ahead of the store; 已登录/未登录 comes with `attach`."""
        self._show_unit(screen.current, screen.waiting)

    def show_upgrade(self, status: versions.VersionStatus | None) -> None:
        """有新版本 (or 需要升级) beside 在线, the whole notice on hover; hidden when current."""
        notice = status.message() if status is not None else None
        self.upgrade.setVisible(notice is not None)
        if status is not None and notice is not None:
            below = status.below_minimum  # nothing is sent until the upgrade
            self.upgrade.setText("需要升级，暂停上传" if below else "有新版本")
            set_state(self.upgrade, "error" if below else "notice")
            self.upgrade.setToolTip(notice)

    def set_online(self, online: bool, detail: str = "") -> None:
        self.online.setText("● 在线" if online else "○ 离线")
        set_state(self.online, "online" if online else "offline")
        self.online.setToolTip(detail or ("已连接中心服务器" if online else OFFLINE_HINT))

    def sync_reached(self, online: bool, detail: str) -> None:
        """A sync run's verdict on the connection; a unit not logged in says nothing of it."""
        self.show_upgrade(versions.last_known())
        if self.units is None:
            return
        unit = self.units.current()
        if self.session is not None and unit is not None and not self.session.is_logged_in(unit):
            self.refresh()  # 未登录 is shown beside 在线/离线, not instead of it
            return
        self.set_online(online, detail)

    def refresh(self) -> UnitInfo | None:
        """Say which unit is current, whether it is logged in and what waits; the unit."""
        if self.units is None:
            return None
        unit = self.units.current()
        self._show_unit(unit, self.units.outbox_count(unit.id) if unit is not None else 0)
        self._refresh_login(unit)
        return unit

    def _show_unit(self, unit: UnitInfo | None, waiting: int) -> None:
        if unit is None:
            self.unit.setText("当前单位：无（请先添加单位）")
        else:
            self.unit.setText(f"当前单位：{unit.name}（{unit.code}）")
        self.outbox.setText(f"待上传：{waiting}")

    def _refresh_login(self, unit: UnitInfo | None) -> None:
        if self.session is None:
            return
        from app.services.session import NO_KEYRING_NOTICE  # the keyring: after the first paint

        if unit is not None and self.session.is_logged_in(unit):
            if self.session.login_kept(unit):
                self.login.setText("已登录")
                self.login.setToolTip(f"单位 {unit.code} 已登录中心服务器")
            else:
                self.login.setText("已登录（仅本次运行）")
                self.login.setToolTip(NO_KEYRING_NOTICE)
            set_state(self.login, "in")
            return
        self.login.setText('未登录 · <a href="login">登录…</a>')
        self.login.setToolTip(
            "当前单位尚未登录中心服务器：可离线录入，登录后自动上传（Ctrl+L 登录）"
            if unit is not None
            else "尚未添加单位"
        )
        set_state(self.login, "out")
