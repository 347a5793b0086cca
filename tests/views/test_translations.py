"""Qt's own texts in Chinese once the application's translator is installed (issue 8, 18)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
)
from pytestqt.qtbot import QtBot

from app.views.application import install_translations


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    locale = QLocale()
    translator = install_translations(qapp)
    assert translator is not None, "qtbase_zh_CN.qm ships with PySide6"
    yield
    for installed in qapp.findChildren(QTranslator):
        qapp.removeTranslator(installed)
        installed.deleteLater()
    QLocale.setDefault(locale)


def test_file_dialog_speaks_chinese(qtbot: QtBot, chinese: None) -> None:
    dialog = QFileDialog(None, "选择要导入的文件")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)  # what offscreen Qt shows anyway
    qtbot.addWidget(dialog)
    labels = {label.text() for label in dialog.findChildren(QLabel)}
    buttons = {button.text() for button in dialog.findChildren(QPushButton)}
    assert labels == {"查找范围(&L)：", "文件名称(&N)：", "文件类型(&T)："}
    assert {"打开(&O)", "取消"} <= buttons
    tips = {button.toolTip() for button in dialog.findChildren(QToolButton)}
    assert {"后退", "前进", "父目录", "新建文件夹"} <= tips


def test_line_edit_context_menu_speaks_chinese(qtbot: QtBot, chinese: None) -> None:
    edit = QLineEdit("张三")
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    texts = [action.text() for action in menu.actions() if not action.isSeparator()]
    menu.deleteLater()
    assert texts[0].startswith("撤消")
    assert any(text.startswith("剪切") for text in texts)
    assert any(text.startswith("粘贴") for text in texts)
    assert not any("Undo" in text or "Paste" in text for text in texts)


def test_standard_buttons_speak_chinese(qtbot: QtBot, chinese: None) -> None:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    qtbot.addWidget(box)
    texts = {button.text() for button in box.buttons()}
    assert texts == {"确定", "取消"}
