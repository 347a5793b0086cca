"""Undo and redo of a material's pages (one QUndoStack per material)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services.attachments import AttachmentService
from app.views.attachments import AttachmentPanel
from tests.views.attachments.test_panel import CONTRACT, ID_CARD, add, origins, pdf_of, png, select


def test_an_undone_change_can_be_made_again_and_reaches_the_pdf(
    qtbot: QtBot, panel: AttachmentPanel, attachments: AttachmentService, tmp_path: Path
) -> None:
    add(qtbot, panel, ID_CARD, [png(tmp_path / f"{n}.png") for n in "ab"])
    assert not panel.redo_action.isEnabled()
    select(panel, 0)
    panel.delete_selected()
    qtbot.mouseClick(panel.tool_buttons["undo"], Qt.MouseButton.LeftButton)
    assert origins(panel, ID_CARD) == ["a.png", "b.png"] and panel.redo_action.isEnabled()

    qtbot.mouseClick(panel.tool_buttons["redo"], Qt.MouseButton.LeftButton)
    assert origins(panel, ID_CARD) == ["b.png"]
    assert "已重做：删除 1 页" in panel.message.text()
    assert not panel.redo_action.isEnabled()
    qtbot.waitUntil(lambda: not panel.busy(), timeout=30_000)
    assert len(pdf_of(attachments, panel.list_id, ID_CARD).pages) == 1
    assert [p.origin for p in attachments.pages_of(panel.list_id, ID_CARD).pages()] == ["b.png"]


def test_each_material_undoes_only_its_own_changes(
    qtbot: QtBot, panel: AttachmentPanel, tmp_path: Path
) -> None:
    add(qtbot, panel, ID_CARD, [png(tmp_path / f"{n}.png") for n in "ab"])
    add(qtbot, panel, CONTRACT, [png(tmp_path / "c.png")])
    panel.select_material(ID_CARD)
    select(panel, 0)
    panel.delete_selected()

    panel.select_material(CONTRACT)
    panel.undo()  # the contract's own last change: its page added
    assert origins(panel, CONTRACT) == [] and origins(panel, ID_CARD) == ["b.png"]
    assert not panel.undo_action.isEnabled()
    panel.select_material(ID_CARD)
    panel.undo()
    assert origins(panel, ID_CARD) == ["a.png", "b.png"]
    qtbot.waitUntil(lambda: not panel.busy(), timeout=30_000)
