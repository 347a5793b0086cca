"""The page shown before the clerk picks a business: the unit and what to do next."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.services.changes import Changes
from app.services.rules.money import format_ratio
from app.views.changes import ChangeHub
from app.views.looks import set_role

if TYPE_CHECKING:  # the store is opened after the window is shown (window_frame.py)
    from app.services.context import AppServices
    from app.services.first_screen import FirstScreen


class HomePage(QWidget):
    """The unit at a glance; refreshes itself when the roster or the outbox changes.

    Made with `services=None` it says 正在载入… until `show_screen` shows the unit read ahead
    of the store (first_screen.py) or `attach` hands it the opened store.
    """

    def __init__(
        self,
        services: AppServices | None,
        parent: QWidget | None = None,
        hub: ChangeHub | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        if hub is not None:
            hub.changed.connect(self._changed)
        self.title = QLabel()
        self.title.setObjectName("homeTitle")
        set_role(self.title, "page-title")
        self.body = QLabel()
        self.body.setObjectName("homeBody")
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.addWidget(self.title)
        layout.addSpacing(12)
        layout.addWidget(self.body)
        layout.addStretch(1)
        self.refresh()

    def attach(self, services: AppServices) -> None:
        """The store is open: show the unit."""
        self.services = services
        self.refresh()

    def _changed(self, changes: Changes) -> None:
        if changes.roster or changes.submissions or changes.unit:
            self.refresh()

    def refresh(self) -> None:
        if self.services is None:
            self.title.setText("住房公积金单位网厅客户端")
            self.body.setText("<p>正在载入…</p>")
            return
        self.show_screen(_screen_of(self.services))

    def show_screen(self, screen: FirstScreen) -> None:
        """Show the unit's facts (from the store, or read ahead of it at the window's start)."""
        unit, profile = screen.current, screen.profile
        if unit is None:
            self.title.setText("欢迎使用住房公积金单位网厅客户端")
            self.body.setText(
                "<p>还没有添加单位。请点击上方的 <b>添加单位…</b>，"
                "填写单位账号和单位名称。</p>"
                "<p>一台电脑可以添加多个单位，各单位的数据互不影响，可随时切换。</p>"
            )
            return
        self.title.setText(unit.name)
        facts = [
            f"单位账号：{unit.code}",
            f"职工名册：{screen.people} 人（本地缓存，可离线查询）",
            f"待上传的提交：{screen.waiting} 笔",
        ]
        if profile.get("paid_to"):
            facts.append("缴至年月：{}".format(profile["paid_to"]))
        if profile.get("unit_ratio"):
            facts.append(
                "缴存比例：单位 {}，个人 {}".format(
                    format_ratio(Decimal(profile["unit_ratio"])),
                    format_ratio(Decimal(profile["personal_ratio"])),
                )
            )
        origin = "中心下发" if screen.policy_from_centre else "客户端内置默认值"
        facts.append(f"中心政策：{screen.centre_name}（{origin}）")
        self.body.setText(
            "".join(f"<p>{fact}</p>" for fact in facts)
            + (
                "<p>请从左侧菜单选择要办理的业务：</p>"
                "<ul><li><b>个人账户管理</b>：个人开户（单笔、批量）、开户查询</li>"
                "<li><b>变更业务</b>：封存、启封、缴存比例调整、缴存基数调整、内部转移</li>"
                "<li><b>缴存业务</b>：汇缴核定、补缴核定、核定查询</li></ul>"
                "<p>录入的清册保存在本机，断网也不会丢失；联网后提交的业务会自动上传。</p>"
            )
        )


def _screen_of(services: AppServices) -> FirstScreen:
    """What the home page shows, read through the opened store."""
    from app.services.first_screen import FirstScreen
    from app.services.roster import RosterService  # with the store, after the first paint

    units = services.units
    unit = units.current()
    if unit is None:
        return FirstScreen([], None)
    policy = units.policy(unit.id)
    return FirstScreen(
        [unit],
        unit,
        people=RosterService(services.store, unit.id).count(),
        waiting=units.outbox_count(unit.id),
        profile=units.profile(unit.id),
        centre_name=policy.centre_name,
        policy_from_centre=not policy.is_default,
    )
