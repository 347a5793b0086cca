"""The panel and its background work: closing mid-build, workers that outlive the panel,
switching materials many times."""

from __future__ import annotations

import threading
from pathlib import Path

import shiboken6
from PIL import Image
from pypdf import PdfReader
from PySide6.QtCore import QItemSelectionModel
from pytestqt.qtbot import QtBot

from app.services.attachments import AttachmentInfo, AttachmentService
from app.services.context import AppServices
from app.services.engine.pending import PendingLists
from app.services.policy import CentrePolicy
from app.views.attachments import AttachmentPanel
from tests.views.attachments.conftest import NoScanner

ID_CARD = "身份证复印件"
CONTRACT = "劳动合同"
SAFETY_VALVE = 15  # seconds a held build waits at most, so a regression fails, not hangs


class HeldBuilds(AttachmentService):
    """The real service, whose PDF builds can be held at the start (a slow disk, a big scan)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.open = threading.Event()
        self.open.set()
        self.waiting = threading.Event()
        self.built = threading.Event()

    def build(
        self, business: str, list_id: int, material: str, policy: CentrePolicy
    ) -> AttachmentInfo | None:
        self.waiting.set()
        self.open.wait(SAFETY_VALVE)
        try:
            return super().build(business, list_id, material, policy)
        finally:
            self.built.set()


def png(path: Path) -> Path:
    Image.new("RGB", (300, 200), "white").save(path)
    return path


def add(qtbot: QtBot, panel: AttachmentPanel, material: str, files: list[Path]) -> None:
    panel.add_files(material, files)
    qtbot.waitUntil(lambda: not panel.busy(), timeout=30_000)


def test_closing_mid_build_does_not_wait_and_the_last_change_still_reaches_the_pdf(
    qtbot: QtBot, services: AppServices, pending: PendingLists, tmp_path: Path
) -> None:
    attachments = HeldBuilds(services.store, pending.unit_id)
    policy = services.units.policy(pending.unit_id)
    panel = AttachmentPanel(attachments, "open-account", pending.list_id(), policy, NoScanner())
    add(qtbot, panel, ID_CARD, [png(tmp_path / "a.png")])

    attachments.open.clear()
    attachments.waiting.clear()
    attachments.built.clear()
    panel.select_page(0)
    panel.rotate_selected(90)  # the build of this change is held on the worker
    qtbot.waitUntil(attachments.waiting.is_set, timeout=30_000)
    shiboken6.delete(panel)  # the clerk closes 全部提交: the window must not freeze

    assert not attachments.built.is_set(), "closing waited for the PDF build"
    attachments.open.set()
    qtbot.waitUntil(attachments.built.is_set, timeout=30_000)
    (doc,) = attachments.for_list(pending.list_id())
    assert PdfReader(doc.path).pages[0].rotation == 90


def test_changes_queued_behind_a_closed_panel_are_all_built_without_it(
    qtbot: QtBot, services: AppServices, pending: PendingLists, tmp_path: Path
) -> None:
    attachments = HeldBuilds(services.store, pending.unit_id)
    policy = services.units.policy(pending.unit_id)
    panel = AttachmentPanel(attachments, "open-account", pending.list_id(), policy, NoScanner())
    add(qtbot, panel, ID_CARD, [png(tmp_path / "a.png"), png(tmp_path / "b.png")])
    add(qtbot, panel, CONTRACT, [png(tmp_path / "c.png")])

    attachments.open.clear()
    attachments.waiting.clear()
    panel.select_material(ID_CARD)
    panel.select_page(0)
    panel.delete_selected()  # held
    qtbot.waitUntil(attachments.waiting.is_set, timeout=30_000)
    panel.select_material(CONTRACT)
    panel.select_page(0)
    panel.delete_selected()  # queued behind it
    shiboken6.delete(panel)
    del panel

    attachments.open.set()
    qtbot.waitUntil(lambda: attachments.for_list(pending.list_id()) != [], timeout=30_000)
    qtbot.waitUntil(
        lambda: (
            [(a.material, a.page_count) for a in attachments.for_list(pending.list_id())]
            == [(ID_CARD, 1)]
        ),
        timeout=30_000,
    )


def test_switching_materials_keeps_each_ones_selection_and_no_stale_selection_models(
    qtbot: QtBot, panel: AttachmentPanel, tmp_path: Path
) -> None:
    add(qtbot, panel, ID_CARD, [png(tmp_path / f"{n}.png") for n in "abc"])
    add(qtbot, panel, CONTRACT, [png(tmp_path / "d.png")])
    panel.select_material(ID_CARD)
    panel.select_page(2)
    selection_models = len(panel.findChildren(QItemSelectionModel))
    for _ in range(5):
        panel.select_material(CONTRACT)
        panel.select_material(ID_CARD)

    assert panel.view.selected_rows() == [2]  # where the clerk left it
    assert panel.preview.page == panel.model(ID_CARD).path(2)
    # None made (and left connected) per switch.
    assert len(panel.findChildren(QItemSelectionModel)) == selection_models
    assert panel.delete_action.isEnabled()
