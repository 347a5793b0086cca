"""退出 with work the centre does not have yet: a question that blocks nothing."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget


def ask_before_closing(parent: QWidget, text: str, leave: Callable[[], None]) -> QMessageBox:
    """退出 calls `leave`; 取消 (the default) keeps working. Shown with open(), never exec()."""
    box = QMessageBox(QMessageBox.Icon.Warning, "退出", text, parent=parent)
    box.setObjectName("closeWarning")
    leave_button = box.addButton("退出", QMessageBox.ButtonRole.AcceptRole)
    stay = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(stay)
    box.finished.connect(lambda _result: leave() if box.clickedButton() is leave_button else None)
    box.open()
    return box
