"""File dialogs open in Documents first, then where the clerk last went (issue 8 point 19)."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from app.services.settings import Settings
from app.views import file_dialogs

APP = Path(__file__).resolve().parents[2] / "app"


def answer(action: Callable[[QFileDialog], None]) -> list[str]:
    """Run `action` on the next file dialog the code under test opens; the folders it showed."""
    shown: list[str] = []

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QFileDialog):
            shown.append(dialog.directory().absolutePath())
            action(dialog)
        else:
            QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)
    return shown


def choose(path: Path) -> Callable[[QFileDialog], None]:
    def act(dialog: QFileDialog) -> None:
        dialog.selectFile(str(path))
        dialog.accept()

    return act


@pytest.fixture
def folders(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    documents, elsewhere = tmp_path / "文档", tmp_path / "人事导出"
    documents.mkdir()
    elsewhere.mkdir()
    (elsewhere / "名单.xlsx").write_bytes(b"x")
    file_dialogs.use_settings(Settings(tmp_path / "settings.json"), documents)
    yield documents, elsewhere
    file_dialogs._folders = None


def test_open_starts_in_documents_then_in_the_last_folder(
    qtbot: QtBot, folders: tuple[Path, Path]
) -> None:
    documents, elsewhere = folders
    parent = QWidget()
    qtbot.addWidget(parent)

    shown = answer(choose(elsewhere / "名单.xlsx"))
    path, _ = file_dialogs.get_open_file_name(
        parent, "选择要导入的文件", "", "表格 (*.xlsx)", purpose="batch-import"
    )
    assert shown == [str(documents)]
    assert path == str(elsewhere / "名单.xlsx")

    shown = answer(lambda dialog: dialog.reject())
    path, _ = file_dialogs.get_open_file_name(
        parent, "选择要导入的文件", "", "表格 (*.xlsx)", purpose="batch-import"
    )
    assert shown == [str(elsewhere.resolve())]
    assert path == ""


def test_save_suggests_the_name_in_the_remembered_folder(
    qtbot: QtBot, folders: tuple[Path, Path]
) -> None:
    documents, elsewhere = folders
    seen: list[str] = []

    def keep_name(dialog: QFileDialog) -> None:
        seen.append(dialog.selectedFiles()[0])
        dialog.selectFile(str(elsewhere / "模版.xlsx"))
        dialog.accept()

    shown = answer(keep_name)
    path, _ = file_dialogs.get_save_file_name(
        None, "保存模版", "模版.xlsx", "Excel 工作簿 (*.xlsx)", purpose="template"
    )
    assert shown == [str(documents)]
    assert seen == [str(documents / "模版.xlsx")]
    assert path == str(elsewhere / "模版.xlsx")

    shown = answer(lambda dialog: dialog.reject())
    file_dialogs.get_save_file_name(None, "保存模版", "模版.xlsx", "", purpose="template")
    assert shown == [str(elsewhere.resolve())]


def test_every_file_dialog_goes_through_the_helper() -> None:
    offenders = []
    for path in APP.rglob("*.py"):
        if path.name == "file_dialogs.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "QFileDialog"
                and node.attr.startswith("get")
            ):
                offenders.append(f"{path.relative_to(APP.parent)}:{node.lineno}")
    assert offenders == []
