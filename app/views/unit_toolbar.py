"""The main window's toolbar: the unit switcher and the window-wide actions beside it."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QToolBar, QWidget


class UnitToolbar(QToolBar):
    """当前单位 and 添加单位 / 登录 / 退出登录 / 查找职工 / 本机影像资料 / 立即同步.

    Only the widgets and their shortcuts; the window connects what each one does.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("单位", parent)
        self.setObjectName("unitToolbar")
        self.setMovable(False)
        label = QLabel("当前单位：")
        self.unit_box = QComboBox()
        self.unit_box.setObjectName("unitSwitcher")
        self.unit_box.setMinimumWidth(280)
        self.unit_box.setAccessibleName("当前单位")
        label.setBuddy(self.unit_box)
        self.addWidget(label)
        self.addWidget(self.unit_box)
        self.add_unit_action = self._action("添加单位…", None, "Ctrl+Shift+N")
        self.login_action = self._action("登录…", "loginAction", "Ctrl+L")
        self.logout_action = self._action("退出登录", "logoutAction")
        self.find_action = self._action("查找职工…", "findPersonAction", "Ctrl+F")
        self.find_action.setToolTip("按姓名、个人账号或证件号码查找本单位职工（离线可用）")
        self.originals_action = self._action("本机影像资料…", "originalsAction")
        self.originals_action.setToolTip("本机保存的扫描件与清理日期")
        self.sync_action = self._action("立即同步", "syncNowAction", "F5")
        self.sync_action.setToolTip(
            "立即上传待上传的提交并取回审核状态和名册（F5）；平时每 60 秒自动同步一次"
        )

    def _action(self, text: str, name: str | None, shortcut: str | None = None) -> QAction:
        action = QAction(text, self)
        if name is not None:
            action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        self.addAction(action)
        return action
