"""The panel's tools: the actions (with their shortcuts) and a row of buttons for them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QToolButton, QWidget

from app.services.scanning import DeviceInfo

Shortcut = QKeySequence | QKeySequence.StandardKey | str | None

# key, text, shortcut; a blank key starts a new group of buttons
TOOLS: list[tuple[str, str, Shortcut]] = [
    ("scan", "扫描", None),
    ("add", "添加文件…", "Ctrl+O"),
    ("", "", None),
    ("earlier", "前移", "Ctrl+Left"),
    ("later", "后移", "Ctrl+Right"),
    ("", "", None),
    ("left", "左转", "Ctrl+L"),
    ("right", "右转", "Ctrl+R"),
    ("", "", None),
    ("delete", "删除", QKeySequence.StandardKey.Delete),
    ("undo", "撤销", QKeySequence.StandardKey.Undo),
    ("redo", "重做", QKeySequence.StandardKey.Redo),
]


@dataclass
class Tools:
    actions: dict[str, QAction]
    buttons: dict[str, QToolButton]
    row: QHBoxLayout


def make_tools(owner: QWidget, slots: dict[str, Callable[[], object]]) -> Tools:
    """The actions, added to `owner` (their shortcuts work anywhere inside it), and buttons."""
    actions: dict[str, QAction] = {}
    buttons: dict[str, QToolButton] = {}
    row = QHBoxLayout()
    for key, text, shortcut in TOOLS:
        if not key:
            row.addSpacing(12)
            continue
        action = QAction(text, owner)
        # A tool button shows the icon text, which Qt makes by dropping the "…" that says
        # a dialog follows: the button read 添加文件 under a hint naming “添加文件…”.
        action.setIconText(text)
        action.triggered.connect(lambda _checked=False, slot=slots[key]: slot())
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(f"{text}（{QKeySequence(shortcut).toString()}）")
        owner.addAction(action)
        button = QToolButton()
        button.setDefaultAction(action)
        button.setObjectName(f"tool-{key}")
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        row.addWidget(button)
        actions[key], buttons[key] = action, button
    row.addStretch(1)
    return Tools(actions, buttons, row)


def scan_tip(device: DeviceInfo | None, *, listed: bool, scanning: bool) -> str:
    """What the 扫描 button says it will do, or why it cannot."""
    if scanning:
        return "正在扫描…"
    if device is not None:
        return f"用“{device.display_name}”扫描到当前材料"
    if not listed:
        return "正在查找扫描仪…"
    return "未找到扫描仪：请连接扫描仪后点击“刷新”，或用“添加文件…”、拖入文件、“监视文件夹…”。"
