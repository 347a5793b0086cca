"""影像资料: the scan-and-attach panel every business's 全部提交 uses.

Left, the materials the policy asks for (`MaterialList`); right, the chosen material's pages:
the tools, the scanner picker, the thumbnails (one view per material, so each keeps its
selection) beside a large preview, the scan bar and a message line. Pages are files in the
unit's folder (`AttachmentService.pages_of`); after each change the material's PDF is rebuilt
on the serial worker of `JobQueue`, so the last change always wins. Each material has its own
`QUndoStack`. This module is the layout and the wiring; the parts live beside it.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.attachments import DEFAULT_KEEP_DAYS, AttachmentService
from app.services.documents import human_size
from app.services.material_pages import SCANNED
from app.services.policy import CentrePolicy, Material
from app.services.scanning import Scanner, default_scanner
from app.views import file_dialogs
from app.views.attachments.device_picker import DevicePicker
from app.views.attachments.jobs import BuildTarget, Imported, ImportOutcome, JobQueue
from app.views.attachments.material_list import MaterialList, MaterialRow
from app.views.attachments.material_state import MaterialState
from app.views.attachments.page_model import PageListModel
from app.views.attachments.page_view import PageListView
from app.views.attachments.preview import PagePreview
from app.views.attachments.scan_bar import ScanBar
from app.views.attachments.toolbar import make_tools, scan_tip
from app.views.looks import set_role
from app.views.messages import MessageLine
from app.views.ops import Op

logger = logging.getLogger(__name__)

FILE_FILTER = "影像资料 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff *.bmp);;所有文件 (*)"


class AttachmentPanel(QWidget):
    """The materials of one pending list and their pages; `changed` after anything changes."""

    changed = Signal()
    pages_received = Signal(str, object)  # material, [Path] of the pages just stored (issue 16)

    def __init__(
        self,
        attachments: AttachmentService,
        business: str,
        list_id: int,
        policy: CentrePolicy,
        scanner: Scanner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentPanel")
        self.attachments = attachments
        self.list_id = list_id
        self.policy = policy
        self.materials = policy.materials_for(business)
        self.current: str | None = None
        self.jobs = JobQueue(BuildTarget(attachments, business, list_id, policy), self)
        self.jobs.built.connect(self._built)
        self.jobs.imported.connect(self._imported)
        self.jobs.failed.connect(self._import_failed)
        self.jobs.progress.connect(self._import_progress)
        self.jobs.counts_changed.connect(self.refresh_status)
        self.picker = DevicePicker(scanner if scanner is not None else default_scanner(), self)
        self.picker.devices_changed.connect(self._update_actions)
        self.scan_bar = ScanBar()
        self.scan_bar.started.connect(self._scan_changed)
        self.scan_bar.ended.connect(self._scan_ended)
        self.material_list = MaterialList(self.materials)
        self.material_list.chosen.connect(self.select_material)
        self.material_list.files_dropped.connect(self._files_dropped_on_material)
        self.views = QStackedWidget()
        self._states = {m.name: self._material(m) for m in self.materials}
        if not self.materials:
            self.views.addWidget(PageListView())
        self._build_ui()
        if self.materials:
            self.select_material(self.materials[0].name)
        self.refresh_status()

    def _material(self, material: Material) -> MaterialState:
        state = MaterialState(
            material, self.attachments.pages_of(self.list_id, material.name), self
        )
        name = material.name
        state.edited.connect(lambda what: self._edited(name, what))
        state.put_back.connect(lambda: self._put_back(name))
        state.store_failed.connect(lambda message: self.message.say(message, error=True))
        state.undo.canUndoChanged.connect(self._update_actions)
        state.undo.canRedoChanged.connect(self._update_actions)
        state.view.selectionModel().currentChanged.connect(self._show_current)
        state.view.selectionModel().selectionChanged.connect(self._update_actions)
        state.view.files_dropped.connect(lambda files: self.add_files(name, files))
        self.views.addWidget(state.view)
        return state

    # -- building the widgets ------------------------------------------------------------------

    def _build_ui(self) -> None:
        self.preview = PagePreview()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.views)
        split.addWidget(self.preview)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        self.message = MessageLine("panelMessage")
        keep = QLabel(
            f"原件保存在本机单位文件夹中，中心审核通过 {DEFAULT_KEEP_DAYS} 天后自动清理。"
        )
        set_role(keep, "hint")
        keep.setWordWrap(True)
        right = QVBoxLayout()
        tools = make_tools(
            self,
            {
                "scan": self.scan,
                "add": self.choose_files,
                "earlier": lambda: self.move_selected(-1),
                "later": lambda: self.move_selected(1),
                "left": lambda: self.rotate_selected(-90),
                "right": lambda: self.rotate_selected(90),
                "delete": self.delete_selected,
                "undo": self.undo,
                "redo": self.redo,
            },
        )
        self.tool_buttons = tools.buttons
        self.scan_button = tools.buttons["scan"]
        self.scan_action, self.add_action = tools.actions["scan"], tools.actions["add"]
        self.earlier_action, self.later_action = tools.actions["earlier"], tools.actions["later"]
        self.left_action, self.right_action = tools.actions["left"], tools.actions["right"]
        self.delete_action, self.undo_action = tools.actions["delete"], tools.actions["undo"]
        self.redo_action = tools.actions["redo"]
        right.addLayout(tools.row)
        right.addWidget(self.picker)
        right.addWidget(split, 1)
        right.addWidget(self.scan_bar)
        right.addWidget(self.message)
        right.addWidget(keep)
        self.material_list.setFixedWidth(230)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.material_list)
        layout.addLayout(right, 1)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if not self.picker.listed and self.picker.listing is None:
            self.picker.refresh()

    # -- what the tests and the dialog look at ---------------------------------------------------

    @property
    def view(self) -> PageListView:
        """The thumbnails of the current material."""
        view = self.views.currentWidget()
        assert isinstance(view, PageListView)
        return view

    @property
    def rows(self) -> dict[str, MaterialRow]:
        return self.material_list.rows

    @property
    def status_labels(self) -> dict[str, QLabel]:
        return self.material_list.status_labels

    @property
    def scan_op(self) -> Op[list[Path]] | None:
        return self.scan_bar.scan_op

    @property
    def scanned_pages(self) -> int:
        return self.scan_bar.scanned_pages

    def model(self, material: str) -> PageListModel:
        return self._states[material].model

    # -- choosing a material and a page ----------------------------------------------------------

    def select_material(self, material: str) -> None:
        """Show the material's pages, with the page the clerk last chose there."""
        self.current = material
        self.material_list.set_current(material)
        state = self._states[material]
        self.views.setCurrentWidget(state.view)
        if state.model.rowCount() and not state.view.currentIndex().isValid():
            self.select_page(0)
        self._show_current()
        self._update_actions()

    def select_page(self, row: int) -> None:
        index = self.view.model().index(row, 0)
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self._show_current()

    def _show_current(self, *_args: object) -> None:
        if self.current is None:
            return
        state = self._states[self.current]
        index = state.view.currentIndex()
        if index.isValid() and index.row() < state.model.rowCount():
            page = state.model.page(index.row())
            self.preview.show_page(state.model.path(index.row()), page.rotation)
        else:
            self.preview.show_page(None)

    def _selected(self) -> list[int]:
        return self.view.selected_rows() if self.current is not None else []

    def _update_actions(self, *_args: object) -> None:
        has_material = self.current is not None
        selected = bool(self._selected())
        for key in ("earlier", "later", "left", "right", "delete"):
            self.tool_buttons[key].defaultAction().setEnabled(selected)
        stack = self._states[self.current].undo if self.current is not None else None
        self.undo_action.setEnabled(stack is not None and stack.canUndo())
        self.redo_action.setEnabled(stack is not None and stack.canRedo())
        self.add_action.setEnabled(has_material)
        device = self.picker.current_device()
        scanning = self.scan_op is not None
        self.scan_action.setEnabled(has_material and device is not None and not scanning)
        self.scan_action.setToolTip(scan_tip(device, listed=self.picker.listed, scanning=scanning))

    # -- edits ---------------------------------------------------------------------------------

    def move_selected(self, step: int) -> None:
        if self.current is not None:
            self.view.move_selected(step)
            self._show_current()

    def rotate_selected(self, degrees: int) -> None:
        if self.current is not None:
            self.view.rotate_selected(degrees)
            self._show_current()

    def delete_selected(self) -> None:
        if self.current is not None:
            self.view.delete_selected()
            self._show_current()

    def undo(self) -> None:
        """Undo the current material's last change (a move, a turn, a delete, an import)."""
        what = self._states[self.current].undo_last() if self.current is not None else None
        if what is not None:
            self.message.say(f"已撤销：{what}")

    def redo(self) -> None:
        """Make the current material's last undone change again."""
        what = self._states[self.current].redo_last() if self.current is not None else None
        if what is not None:
            self.message.say(f"已重做：{what}")

    def _put_back(self, material: str) -> None:
        self.jobs.build(material)
        self._show_current()
        self._update_actions()

    def _edited(self, material: str, what: str) -> None:
        self.message.say(f"{material}：{what}（可撤销）")
        self.jobs.build(material)
        self._update_actions()

    # -- background work -----------------------------------------------------------------------

    def busy(self) -> bool:
        """Whether a scan, an import or a PDF build is still going on."""
        return self.scan_op is not None or self.jobs.busy()

    def problems(self) -> dict[str, str]:
        return {name: s.problem for name, s in self._states.items() if s.problem}

    def _built(self, material: str, problem: str | None) -> None:
        self._states[material].problem = problem
        if problem:
            self.message.say(problem, error=True)
        self.refresh_status()

    def choose_files(self) -> None:
        if self.current is None:
            return
        files, _ = file_dialogs.get_open_file_names(
            self, self.current, "", FILE_FILTER, purpose="attachments"
        )
        if files:
            self.add_files(self.current, [Path(f) for f in files])

    def add_files(self, material: str, files: list[Path]) -> Op[ImportOutcome]:
        """Add files as pages of `material` and rebuild its PDF, in the background."""
        return self._import(material, files)

    def _files_dropped_on_material(self, material: str, files: list[Path]) -> None:
        self.select_material(material)
        self.add_files(material, files)

    def _import(
        self,
        material: str,
        files: list[Path],
        *,
        origin: str | None = None,
        scan_dir: Path | None = None,
        note: str = "",
    ) -> Op[ImportOutcome]:
        state = self._states[material]
        # Progress shows in the panel, not in a dialog: the clerk may go on with another
        # material meanwhile, and no dialog outlives a panel closed mid-way.
        self.message.say(f"正在处理“{material}”的页面…")
        return self.jobs.import_files(
            state.pages, files, origin=origin, scan_dir=scan_dir, note=note
        )

    def _imported(self, material: str, imported: Imported) -> None:
        state, result, pages = self._states[material], imported.result, tuple(imported.pages)
        state.problem = problem = imported.problem
        if result.added:
            state.added(pages, f"添加 {len(result.added)} 页")
            if material == self.current:
                self.select_page(len(pages) - 1)
            self.pages_received.emit(material, [state.pages.path(p) for p in result.added])
        said = [imported.note] if imported.note else []
        if result.added:
            said.append(f"“{material}”已添加 {len(result.added)} 页。")
        said += result.refused + ([problem] if problem else [])
        self.message.say(" ".join(said), error=bool(imported.note or result.refused or problem))
        self.refresh_status()
        self._update_actions()

    def _import_failed(self, _material: str, message: str) -> None:
        self.message.say(message, error=True)
        self.refresh_status()

    def _import_progress(self, done: int, total: int) -> None:
        self.message.say(f"正在处理页面：{done} / {total}")

    # -- scanning ------------------------------------------------------------------------------

    def scan(self, material: str | None = None) -> Op[list[Path]] | None:
        """Scan into `material` (the current one) in the background; None with no scanner."""
        material = material or self.current
        settings = self.picker.settings()
        if material is None or settings is None or self.scan_op is not None:
            return None
        # A scanner silent for the policy's time is abandoned (the message comes from the scanner).
        settings = replace(settings, stall_seconds=self.policy.attachments.scan_stall_seconds)
        out_dir = self._states[material].pages.folder / f".scan-{uuid.uuid4().hex[:8]}"
        return self.scan_bar.start(self.picker.scanner, settings, material, out_dir)

    def cancel_scan(self) -> None:
        self.scan_bar.cancel()

    def _scan_changed(self) -> None:
        self._update_actions()
        self.changed.emit()

    def _scan_ended(
        self, material: str, pages: list[Path], note: str, failed: bool, out_dir: Path
    ) -> None:
        if pages:
            self._import(material, pages, origin=SCANNED, scan_dir=out_dir, note=note)
        elif note:
            self.message.say(note, error=failed)
        self._scan_changed()

    # -- what the clerk sees -------------------------------------------------------------------

    def refresh_status(self) -> None:
        """Each material's line (pages, size, or what is wrong) from the recorded documents."""
        documents = {a.material: a for a in self.attachments.for_list(self.list_id)}
        for name, state in self._states.items():
            doc = documents.get(name)
            if self.jobs.busy(name):
                self.material_list.set_status(name, "正在生成 PDF…")
            elif state.problem:
                self.material_list.set_status(name, f"未能生成：{state.problem}", problem=True)
            elif doc is not None:
                self.material_list.set_status(name, f"{doc.page_count} 页，{human_size(doc.size)}")
            else:
                self.material_list.set_status(name, "未添加")
        self.changed.emit()
