"""The 影像资料 panel as a clerk uses it: files, drag and drop, reorder, rotate, delete, undo."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.services.attachments import AttachmentService
from app.services.context import AppServices
from app.services.engine.pending import PendingLists
from app.services.scanning.folder import FolderScanner
from app.views.attachments import AttachmentPanel
from app.views.attachments.page_model import PageListModel
from app.views.business.submit_dialog import SubmitDialog
from tests.views.attachments.conftest import NoScanner

ID_CARD = "身份证复印件"
WANG = (
    "41020319880516001"
    + "10X98765432"[
        sum(
            int(d) * w
            for d, w in zip(
                "41020319880516001",
                [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2],
                strict=True,
            )
        )
        % 11
    ]
)
CONTRACT = "劳动合同"


def png(path: Path, colour: str = "white", size: tuple[int, int] = (400, 250)) -> Path:
    Image.new("RGB", size, colour).save(path, dpi=(150, 150))
    return path


def add(qtbot: QtBot, panel: AttachmentPanel, material: str, files: list[Path]) -> None:
    op = panel.add_files(material, files)
    with qtbot.waitSignal(op.signals.finished, timeout=30_000):
        pass
    qtbot.waitUntil(lambda: not panel.busy(), timeout=30_000)


def origins(panel: AttachmentPanel, material: str) -> list[str]:
    return [page.origin for page in panel.model(material).pages()]


def pdf_of(attachments: AttachmentService, list_id: int, material: str) -> PdfReader:
    (doc,) = [a for a in attachments.for_list(list_id) if a.material == material]
    return PdfReader(doc.path)


def select(panel: AttachmentPanel, *rows: int) -> None:
    panel.select_page(rows[0])
    for row in rows[1:]:
        panel.view.selectionModel().select(
            panel.view.model().index(row, 0), panel.view.selectionModel().SelectionFlag.Select
        )


def test_the_page_model_passes_the_model_tester(
    qtbot: QtBot, panel: AttachmentPanel, tmp_path: Path, qtmodeltester: ModelTester
) -> None:
    add(qtbot, panel, ID_CARD, [png(tmp_path / f"{n}.png") for n in range(3)])
    model = panel.model(ID_CARD)
    qtmodeltester.check(model)
    model.move_rows([0], 3)
    model.rotate([1], 90)
    model.remove([2])
    qtmodeltester.check(model)


def test_materials_listed_with_required_marked_and_no_scanner_leaves_files(
    panel: AttachmentPanel,
) -> None:
    assert list(panel.rows) == [ID_CARD, CONTRACT]
    assert panel.status_labels[ID_CARD].text() == "未添加"
    assert not panel.scan_button.isEnabled()
    assert "未找到扫描仪" in panel.scan_action.toolTip()
    assert panel.add_action.isEnabled()
    assert panel.picker.device.currentText() == "未找到扫描仪"
    # The button says a file dialog follows, as the hint naming it does.
    assert panel.tool_buttons["add"].text() == "添加文件…"


def test_required_materials_gate_the_submit_button(
    qtbot: QtBot,
    services: AppServices,
    pending: PendingLists,
    attachments: AttachmentService,
    tmp_path: Path,
) -> None:
    pending.add(
        {
            "name": "王建国",
            "id_type": "居民身份证",
            "id_number": WANG,
            "mobile": "13903781234",
            "base": "6200",
        }
    )
    dialog = SubmitDialog(
        pending, attachments, services.units.policy(pending.unit_id), scanner=NoScanner()
    )
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.submit_button.isEnabled()
    assert dialog.reason.text() == "还需上传：身份证复印件"

    op = dialog.add_files(CONTRACT, [png(tmp_path / "contract.png")])  # optional: not enough
    with qtbot.waitSignal(op.signals.finished, timeout=30_000):
        pass
    assert not dialog.submit_button.isEnabled()

    op = dialog.add_files(ID_CARD, [png(tmp_path / "card.png")])
    with qtbot.waitSignal(op.signals.finished, timeout=30_000):
        pass
    assert dialog.submit_button.isEnabled() and dialog.reason.text() == ""
    assert dialog.status[ID_CARD].text().startswith("1 页")

    dialog.panel.select_material(ID_CARD)
    select(dialog.panel, 0)
    dialog.panel.delete_selected()  # the only page gone: the gate closes again
    qtbot.waitUntil(lambda: not dialog.panel.busy(), timeout=30_000)
    assert not dialog.submit_button.isEnabled()
    assert "身份证复印件" in dialog.reason.text()
    assert dialog.status[ID_CARD].text() == "未添加"

    dialog.panel.undo()
    qtbot.waitUntil(lambda: dialog.submit_button.isEnabled(), timeout=30_000)


def test_files_added_in_order_with_thumbnails_and_one_pdf(
    qtbot: QtBot, panel: AttachmentPanel, attachments: AttachmentService, tmp_path: Path
) -> None:
    files = [png(tmp_path / "front.png", "red"), png(tmp_path / "back.png", "blue")]
    jpeg = tmp_path / "scan.jpg"
    Image.new("RGB", (300, 200), "green").save(jpeg, quality=90)
    add(qtbot, panel, ID_CARD, [*files, jpeg])

    assert origins(panel, ID_CARD) == ["front.png", "back.png", "scan.jpg"]
    model = panel.model(ID_CARD)
    assert model.index(1).data() == "第 2 页"
    assert not model.index(0).data(Qt.ItemDataRole.DecorationRole).isNull()
    assert panel.preview.has_picture()  # the last added page is shown large
    assert len(pdf_of(attachments, panel.list_id, ID_CARD).pages) == 3
    assert panel.status_labels[ID_CARD].text().startswith("3 页")
    # The originals are files in the unit's folder, in the order pages.json keeps.
    stored = attachments.pages_of(panel.list_id, ID_CARD)
    assert [p.origin for p in stored.pages()] == ["front.png", "back.png", "scan.jpg"]
    assert all(stored.path(p).exists() for p in stored.pages())
    assert "100001" in str(stored.folder)


def test_a_pdf_and_a_multipage_tiff_become_a_page_each(
    qtbot: QtBot, panel: AttachmentPanel, attachments: AttachmentService, tmp_path: Path
) -> None:
    writer = PdfWriter()
    for _ in range(2):
        writer.add_blank_page(width=595, height=842)
    with open(tmp_path / "contract.pdf", "wb") as handle:
        writer.write(handle)
    frames = [Image.new("L", (200, 300), shade) for shade in (0, 128, 255)]
    frames[0].save(tmp_path / "wages.tif", save_all=True, append_images=frames[1:])
    add(qtbot, panel, CONTRACT, [tmp_path / "contract.pdf", tmp_path / "wages.tif"])

    assert origins(panel, CONTRACT) == ["contract.pdf"] * 2 + ["wages.tif"] * 3
    assert len(pdf_of(attachments, panel.list_id, CONTRACT).pages) == 5


def test_a_corrupt_file_or_a_wrong_type_is_refused_by_name(
    qtbot: QtBot, panel: AttachmentPanel, tmp_path: Path
) -> None:
    good = png(tmp_path / "good.png")
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 40)
    notes = tmp_path / "notes.docx"
    notes.write_bytes(b"PK\x03\x04 not a picture")
    add(qtbot, panel, ID_CARD, [good, broken, notes])

    assert origins(panel, ID_CARD) == ["good.png"]
    text = panel.message.text()
    assert "“broken.jpg”已损坏" in text
    assert "“notes.docx”不是支持的格式" in text


def test_reorder_by_buttons_rotate_delete_and_undo_each(
    qtbot: QtBot, panel: AttachmentPanel, attachments: AttachmentService, tmp_path: Path
) -> None:
    add(qtbot, panel, ID_CARD, [png(tmp_path / f"{n}.png") for n in "abc"])

    select(panel, 2)
    qtbot.mouseClick(panel.tool_buttons["earlier"], Qt.MouseButton.LeftButton)
    assert origins(panel, ID_CARD) == ["a.png", "c.png", "b.png"]
    assert panel.view.selected_rows() == [1]  # the selection moves with the page

    qtbot.mouseClick(panel.tool_buttons["right"], Qt.MouseButton.LeftButton)
    assert [p.rotation for p in panel.model(ID_CARD).pages()] == [0, 90, 0]
    qtbot.mouseClick(panel.tool_buttons["left"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.tool_buttons["left"], Qt.MouseButton.LeftButton)
    assert [p.rotation for p in panel.model(ID_CARD).pages()] == [0, 270, 0]

    select(panel, 0, 2)
    qtbot.mouseClick(panel.tool_buttons["delete"], Qt.MouseButton.LeftButton)
    assert origins(panel, ID_CARD) == ["c.png"]
    qtbot.waitUntil(lambda: not panel.busy(), timeout=30_000)
    assert len(pdf_of(attachments, panel.list_id, ID_CARD).pages) == 1

    qtbot.mouseClick(panel.tool_buttons["undo"], Qt.MouseButton.LeftButton)  # the delete
    assert origins(panel, ID_CARD) == ["a.png", "c.png", "b.png"]
    assert "已撤销：删除 2 页" in panel.message.text()
    panel.undo()  # the second left turn
    panel.undo()  # the first
    assert [p.rotation for p in panel.model(ID_CARD).pages()] == [0, 90, 0]
    panel.undo()  # the right turn
    panel.undo()  # the move
    assert origins(panel, ID_CARD) == ["a.png", "b.png", "c.png"]
    qtbot.waitUntil(lambda: not panel.busy(), timeout=30_000)
    reader = pdf_of(attachments, panel.list_id, ID_CARD)
    assert len(reader.pages) == 3 and all(not p.get("/Rotate") for p in reader.pages)
    # What the clerk left is what is stored for next time.
    assert [p.origin for p in attachments.pages_of(panel.list_id, ID_CARD).pages()] == [
        "a.png",
        "b.png",
        "c.png",
    ]


def test_the_rotation_reaches_the_pdf(
    qtbot: QtBot, panel: AttachmentPanel, attachments: AttachmentService, tmp_path: Path
) -> None:
    add(qtbot, panel, ID_CARD, [png(tmp_path / "a.png")])
    select(panel, 0)
    panel.rotate_selected(90)
    qtbot.waitUntil(lambda: not panel.busy(), timeout=30_000)
    assert pdf_of(attachments, panel.list_id, ID_CARD).pages[0].rotation == 90


def test_keys_move_and_delete_pages(qtbot: QtBot, panel: AttachmentPanel, tmp_path: Path) -> None:
    add(qtbot, panel, ID_CARD, [png(tmp_path / f"{n}.png") for n in "ab"])
    select(panel, 0)
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert origins(panel, ID_CARD) == ["b.png", "a.png"]
    qtbot.keyClick(panel.view, Qt.Key.Key_Delete)
    assert origins(panel, ID_CARD) == ["b.png"]
    qtbot.keyClick(panel.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert origins(panel, ID_CARD) == ["b.png", "a.png"]


def drop(target: QWidget, data: QMimeData, pos: QPointF) -> QDropEvent:
    """What a drag from outside ending at `pos` sends: enter, move, then the drop."""
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    rest = (actions, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    # Qt's drag enter/move events take a QPoint, the drop a QPointF (PySide6 6.12 took either)
    QApplication.sendEvent(target, QDragEnterEvent(pos.toPoint(), *rest))
    QApplication.sendEvent(target, QDragMoveEvent(pos.toPoint(), *rest))
    event = QDropEvent(pos, *rest)
    QApplication.sendEvent(target, event)
    return event


def at_row(panel: AttachmentPanel, row: int | None) -> QPointF:
    """A point on the left half of the row's thumbnail, or past the last one."""
    view = panel.view
    if row is None:
        return QPointF(view.viewport().rect().bottomRight()) - QPointF(5, 5)
    return QPointF(view.visualRect(view.model().index(row, 0)).topLeft()) + QPointF(3, 3)


def test_files_dropped_from_the_file_manager_are_added(
    qtbot: QtBot, panel: AttachmentPanel, tmp_path: Path
) -> None:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(png(tmp_path / f"{n}.png"))) for n in "xy"])
    with qtbot.waitSignal(panel.view.files_dropped):
        event = drop(panel.view.viewport(), data, at_row(panel, None))
    assert event.isAccepted()
    qtbot.waitUntil(lambda: len(panel.model(ID_CARD).pages()) == 2, timeout=30_000)
    assert origins(panel, ID_CARD) == ["x.png", "y.png"]


def test_a_page_dragged_before_another_moves_there(
    qtbot: QtBot, panel: AttachmentPanel, tmp_path: Path
) -> None:
    add(qtbot, panel, ID_CARD, [png(tmp_path / f"{n}.png") for n in "abc"])
    model = panel.model(ID_CARD)
    data = model.mimeData([model.index(2)])
    event = drop(
        panel.view.viewport(), data, at_row(panel, 0)
    )  # the drag of page 3 let go on the left half of page 1
    assert event.isAccepted() and event.dropAction() == Qt.DropAction.CopyAction
    assert origins(panel, ID_CARD) == ["c.png", "a.png", "b.png"]
    panel.undo()
    assert origins(panel, ID_CARD) == ["a.png", "b.png", "c.png"]


def test_pages_of_another_list_are_not_taken_by_a_drop(
    qtbot: QtBot, panel: AttachmentPanel, tmp_path: Path
) -> None:
    add(qtbot, panel, ID_CARD, [png(tmp_path / f"{n}.png") for n in "ab"])
    other = PageListModel(tmp_path / "elsewhere")
    event = drop(panel.view.viewport(), other.mimeData([]), at_row(panel, 0))
    assert not event.isAccepted()
    assert origins(panel, ID_CARD) == ["a.png", "b.png"]


def test_pages_come_back_when_the_panel_is_opened_again(
    qtbot: QtBot,
    services: AppServices,
    pending: PendingLists,
    attachments: AttachmentService,
    panel: AttachmentPanel,
    tmp_path: Path,
) -> None:
    add(qtbot, panel, ID_CARD, [png(tmp_path / "a.png"), png(tmp_path / "b.png")])
    select(panel, 0)
    panel.rotate_selected(180)
    qtbot.waitUntil(lambda: not panel.busy(), timeout=30_000)
    again = AttachmentPanel(
        attachments,
        "open-account",
        pending.list_id(),
        services.units.policy(pending.unit_id),
        NoScanner(),
    )
    qtbot.addWidget(again)
    assert [(p.origin, p.rotation) for p in again.model(ID_CARD).pages()] == [
        ("a.png", 180),
        ("b.png", 0),
    ]
    assert again.status_labels[ID_CARD].text().startswith("2 页")


@pytest.mark.parametrize("max_bytes", [2000])
def test_a_material_over_the_limit_is_refused_and_no_stale_pdf_stays(
    qtbot: QtBot,
    services: AppServices,
    pending: PendingLists,
    attachments: AttachmentService,
    tmp_path: Path,
    max_bytes: int,
) -> None:
    import dataclasses
    import random

    policy = services.units.policy(pending.unit_id)
    tight = dataclasses.replace(
        policy,
        attachments=dataclasses.replace(policy.attachments, max_bytes_per_document=max_bytes),
    )
    panel = AttachmentPanel(attachments, "open-account", pending.list_id(), tight, NoScanner())
    qtbot.addWidget(panel)
    add(qtbot, panel, ID_CARD, [png(tmp_path / "small.png", size=(20, 20))])
    assert panel.status_labels[ID_CARD].text().startswith("1 页")
    noise = tmp_path / "photo.png"
    rng = random.Random(3)
    Image.frombytes("RGB", (600, 600), rng.randbytes(600 * 600 * 3)).save(noise)
    add(qtbot, panel, ID_CARD, [noise])
    assert "超过中心规定的上限" in panel.message.text()
    assert "未能生成" in panel.status_labels[ID_CARD].text()
    assert [a.material for a in attachments.for_list(panel.list_id)] == []
    assert pending.missing_materials() == [ID_CARD]


def test_files_dropped_on_a_material_go_to_it(
    qtbot: QtBot, panel: AttachmentPanel, tmp_path: Path
) -> None:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(png(tmp_path / "contract.png")))])
    drop(panel.rows[CONTRACT], data, QPointF(10, 10))
    qtbot.waitUntil(lambda: origins(panel, CONTRACT) == ["contract.png"], timeout=30_000)
    assert panel.current == CONTRACT and origins(panel, ID_CARD) == []
    qtbot.waitUntil(lambda: not panel.busy(), timeout=30_000)


def test_a_watched_folder_turns_new_files_into_pages(
    qtbot: QtBot, panel: AttachmentPanel, tmp_path: Path
) -> None:
    inbox = tmp_path / "scanner-software"
    inbox.mkdir()
    png(inbox / "old.png")  # there before watching: not a page
    device = panel.picker.add_watch_folder(inbox, idle_seconds=None)
    assert panel.picker.current_device() == device and panel.scan_button.isEnabled()
    backend = panel.picker.scanner.backends[-1]
    assert isinstance(backend, FolderScanner)
    watching = threading.Event()

    def wait(seconds: float) -> None:  # the scanner's own pause between polls, marked
        watching.set()
        time.sleep(min(seconds, 0.2))

    backend._wait = wait
    op = panel.scan()
    assert op is not None
    qtbot.waitUntil(watching.is_set, timeout=30_000)  # files from now on are new
    png(inbox / "new-scan.png", "yellow")
    qtbot.waitUntil(lambda: panel.scanned_pages == 1, timeout=30_000)
    panel.cancel_scan()  # the clerk's 完成
    qtbot.waitUntil(lambda: panel.scan_op is None and not panel.busy(), timeout=30_000)
    assert origins(panel, ID_CARD) == ["扫描"]
    assert "已扫描的 1 页已保留" in panel.message.text()
