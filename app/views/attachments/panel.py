"""影像资料: the scan-and-attach panel every business's 全部提交 uses.

Left, the materials the policy asks for (必传 marked) with what each has; right, the chosen
material's pages: scan, add files or drop them in, thumbnails, a large preview, reorder, rotate,
delete, undo. Pages are files in the unit's folder (`AttachmentService.pages_of`); after each
change the material's PDF is rebuilt in the background on one serial worker, so the last
change always wins.
"""

from __future__ import annotations

import logging
import shutil
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path

import shiboken6
from PySide6.QtCore import QItemSelectionModel, Qt, QThreadPool, Signal
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import KnownError
from app.services.attachments import DEFAULT_KEEP_DAYS, AttachmentService
from app.services.documents import human_size
from app.services.material_pages import SCANNED, ImportResult, MaterialPages, StoredPage
from app.services.policy import CentrePolicy, Material
from app.services.scanning import ScanFailedError, Scanner, default_scanner
from app.views import file_dialogs
from app.views.attachments.device_picker import DevicePicker
from app.views.attachments.page_model import PageListModel
from app.views.attachments.page_view import PageListView, local_files
from app.views.attachments.preview import PagePreview
from app.views.attachments.thumbnails import make_pictures
from app.views.ops import Op, OpContext

logger = logging.getLogger(__name__)

FILE_FILTER = "影像资料 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff *.bmp);;所有文件 (*)"
_Imported = tuple[ImportResult, list[StoredPage], str | None]


@dataclass
class _MaterialState:
    material: Material
    store: MaterialPages
    model: PageListModel
    undo: list[tuple[tuple[StoredPage, ...], str]] = field(default_factory=list)
    jobs: int = 0  # imports and builds queued or running
    problem: str | None = None  # why the last PDF could not be made


class _MaterialRow(QFrame):
    """One material in the left column: its name (必传 marked) and what it has; a drop target."""

    def __init__(self, panel: AttachmentPanel, material: Material) -> None:
        super().__init__()
        self.panel = panel
        self.material = material
        self.setObjectName("materialRow")
        self.setAcceptDrops(True)
        self.button = QPushButton(material.name)
        self.button.setObjectName(f"material-{material.name}")
        self.button.setCheckable(True)
        self.button.setStyleSheet(
            "QPushButton { text-align: left; padding: 6px 8px; font-weight: bold; }"
            "QPushButton:checked { background: #e3f2fd; border: 1px solid #1e88e5; }"
        )
        self.button.clicked.connect(lambda: panel.select_material(material.name))
        mark = QLabel("必传" if material.required else "选传")
        mark.setStyleSheet("color: #c62828;" if material.required else "color: #757575;")
        self.status = QLabel("未添加")
        self.status.setObjectName(f"status-{material.name}")
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #546e7a;")
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.button, 1)
        top.addWidget(mark)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.status)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if local_files(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        files = local_files(event)
        if files:
            event.acceptProposedAction()
            self.panel.select_material(self.material.name)
            self.panel.add_files(self.material.name, files)


class AttachmentPanel(QWidget):
    """The materials of one pending list and their pages; `changed` after anything changes."""

    changed = Signal()

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
        self.attachments = attachments
        self.business = business
        self.list_id = list_id
        self.policy = policy
        self.scanner: Scanner = scanner if scanner is not None else default_scanner()
        self.materials = policy.materials_for(business)
        self.current: str | None = None
        self.scan_op: Op[list[Path]] | None = None
        self.scanned_pages = 0
        # One worker for imports and builds: they run in the order the clerk made the changes.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._states: dict[str, _MaterialState] = {}
        for material in self.materials:
            store = attachments.pages_of(list_id, material.name)
            model = PageListModel(store.folder, store.pages(), self)
            model.edited.connect(
                lambda before, what, name=material.name: self._edited(name, before, what)
            )
            self._states[material.name] = _MaterialState(material, store, model)
        self._build_ui()
        if self.materials:
            self.select_material(self.materials[0].name)
        self.refresh_status()

    # -- building the widgets ------------------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: object,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(f"{text}（{QKeySequence(shortcut).toString()}）")
        self.addAction(action)
        return action

    def _build_ui(self) -> None:
        self.rows: dict[str, _MaterialRow] = {}
        left = QVBoxLayout()
        left.setSpacing(6)
        title = QLabel("本业务需要的影像资料")
        title.setStyleSheet("font-weight: bold;")
        left.addWidget(title)
        for material in self.materials:
            row = _MaterialRow(self, material)
            self.rows[material.name] = row
            left.addWidget(row)
        if not self.materials:
            left.addWidget(QLabel("本业务无需上传影像资料。"))
        left.addStretch(1)
        self.status_labels = {name: row.status for name, row in self.rows.items()}

        self.scan_action = self._action("扫描", self.scan)
        self.add_action = self._action("添加文件…", self.choose_files, "Ctrl+O")
        self.earlier_action = self._action("前移", lambda: self.move_selected(-1), "Ctrl+Left")
        self.later_action = self._action("后移", lambda: self.move_selected(1), "Ctrl+Right")
        self.left_action = self._action("左转", lambda: self.rotate_selected(-90), "Ctrl+L")
        self.right_action = self._action("右转", lambda: self.rotate_selected(90), "Ctrl+R")
        self.delete_action = self._action(
            "删除", self.delete_selected, QKeySequence.StandardKey.Delete
        )
        self.undo_action = self._action("撤销", self.undo, QKeySequence.StandardKey.Undo)
        tools = QHBoxLayout()
        self.tool_buttons: dict[str, QToolButton] = {}
        groups = [
            [("scan", self.scan_action), ("add", self.add_action)],
            [("earlier", self.earlier_action), ("later", self.later_action)],
            [("left", self.left_action), ("right", self.right_action)],
            [("delete", self.delete_action), ("undo", self.undo_action)],
        ]
        for number, group in enumerate(groups):
            if number:
                tools.addSpacing(12)
            for key, action in group:
                button = QToolButton()
                button.setDefaultAction(action)
                button.setObjectName(f"tool-{key}")
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
                tools.addWidget(button)
                self.tool_buttons[key] = button
        tools.addStretch(1)
        self.scan_button = self.tool_buttons["scan"]
        self.scan_button.setStyleSheet("font-weight: bold;")

        self.picker = DevicePicker(self.scanner, self)
        self.picker.devices_changed.connect(self._update_actions)

        self.view = PageListView()
        self.view.files_dropped.connect(lambda files: self.add_files(self._current(), files))
        self.preview = PagePreview()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.view)
        split.addWidget(self.preview)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)

        self.scan_progress = QLabel()
        self.scan_progress.setObjectName("scanProgress")
        self.cancel_button = QPushButton("取消扫描")
        self.cancel_button.clicked.connect(self.cancel_scan)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.scan_progress, 1)
        progress_row.addWidget(self.cancel_button)
        self.progress_box = QWidget()
        self.progress_box.setLayout(progress_row)
        progress_row.setContentsMargins(0, 0, 0, 0)
        self.progress_box.hide()

        self.message = QLabel()
        self.message.setObjectName("panelMessage")
        self.message.setWordWrap(True)
        keep = QLabel(
            f"原件保存在本机单位文件夹中，中心审核通过 {DEFAULT_KEEP_DAYS} 天后自动清理。"
        )
        keep.setStyleSheet("color: #757575;")
        keep.setWordWrap(True)

        right = QVBoxLayout()
        right.addLayout(tools)
        right.addWidget(self.picker)
        right.addWidget(split, 1)
        right.addWidget(self.progress_box)
        right.addWidget(self.message)
        right.addWidget(keep)
        left_box = QWidget()
        left_box.setLayout(left)
        left_box.setFixedWidth(230)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(left_box)
        layout.addLayout(right, 1)

    def showEvent(self, event: object) -> None:  # noqa: N802
        super().showEvent(event)  # type: ignore[arg-type]
        if not self.picker.listed and self.picker.listing is None:
            self.picker.refresh()

    # -- choosing a material and a page ----------------------------------------------------------

    def _current(self) -> str:
        if self.current is None:
            raise RuntimeError("no material")
        return self.current

    def state(self, material: str) -> _MaterialState:
        return self._states[material]

    def model(self, material: str) -> PageListModel:
        return self._states[material].model

    def select_material(self, material: str) -> None:
        self.current = material
        for name, row in self.rows.items():
            row.button.setChecked(name == material)
        self.view.setModel(self._states[material].model)
        self.view.selectionModel().currentChanged.connect(self._show_current)
        self.view.selectionModel().selectionChanged.connect(self._update_actions)
        if self._states[material].model.rowCount():
            self.select_page(0)
        else:
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
        model = self._states[self.current].model
        index = self.view.currentIndex()
        if index.isValid() and index.row() < model.rowCount():
            page = model.page(index.row())
            self.preview.show_page(model.path(index.row()), page.rotation)
        else:
            self.preview.show_page(None)

    def _selected(self) -> list[int]:
        return self.view.selected_rows()

    def _update_actions(self, *_args: object) -> None:
        has_material = self.current is not None
        selected = bool(self._selected()) if has_material else False
        scanning = self.scan_op is not None
        for action in (self.earlier_action, self.later_action, self.left_action):
            action.setEnabled(selected)
        self.right_action.setEnabled(selected)
        self.delete_action.setEnabled(selected)
        self.undo_action.setEnabled(has_material and bool(self._states[self._current()].undo))
        self.add_action.setEnabled(has_material)
        device = self.picker.current_device()
        self.scan_action.setEnabled(has_material and device is not None and not scanning)
        if scanning:
            tip = "正在扫描…"
        elif device is not None:
            tip = f"用“{device.display_name}”扫描到当前材料"
        elif not self.picker.listed:
            tip = "正在查找扫描仪…"
        else:
            tip = (
                "未找到扫描仪：请连接扫描仪后点击“刷新”，或用“添加文件…”、拖入文件、“监视文件夹…”。"
            )
        self.scan_action.setToolTip(tip)

    # -- edits ---------------------------------------------------------------------------------

    def move_selected(self, step: int) -> None:
        rows = self._selected()
        if not rows or self.current is None:
            return
        model = self._states[self.current].model
        destination = rows[0] - 1 if step < 0 else rows[-1] + 2
        if destination < 0 or destination > model.rowCount():
            return
        if model.move_rows(rows, destination):
            first = rows[0] - 1 if step < 0 else rows[0] + 1
            self._reselect(range(first, first + len(rows)))

    def _reselect(self, rows: range) -> None:
        selection = self.view.selectionModel()
        selection.clearSelection()
        for row in rows:
            selection.select(
                self.view.model().index(row, 0), QItemSelectionModel.SelectionFlag.Select
            )
        selection.setCurrentIndex(
            self.view.model().index(rows[0], 0), QItemSelectionModel.SelectionFlag.NoUpdate
        )
        self._show_current()

    def rotate_selected(self, degrees: int) -> None:
        rows = self._selected()
        if rows and self.current is not None:
            self._states[self.current].model.rotate(rows, degrees)
            self._show_current()

    def delete_selected(self) -> None:
        rows = self._selected()
        if rows and self.current is not None:
            self._states[self.current].model.remove(rows)
            self._show_current()

    def undo(self) -> None:
        if self.current is None or not self._states[self.current].undo:
            return
        state = self._states[self.current]
        pages, what = state.undo.pop()
        state.model.restore(pages)
        state.store.replace(pages)
        self._say(f"已撤销：{what}")
        self._schedule_build(state.material.name)
        self._show_current()
        self._update_actions()

    def _edited(self, material: str, before: tuple[StoredPage, ...], what: str) -> None:
        state = self._states[material]
        state.undo.append((before, what))
        try:
            state.store.replace(state.model.pages())
        except KnownError as error:
            self._say(error.message, error=True)
        self._say(f"{material}：{what}（可撤销）")
        self._schedule_build(material)
        self._update_actions()

    # -- background work -----------------------------------------------------------------------

    def busy(self) -> bool:
        """Whether a scan, an import or a PDF build is still going on."""
        return self.scan_op is not None or any(s.jobs for s in self._states.values())

    def problems(self) -> dict[str, str]:
        return {name: s.problem for name, s in self._states.items() if s.problem}

    def _build_now(self, material: str) -> str | None:
        """Rebuild the material's PDF (worker thread); the message if it cannot be made."""
        try:
            self.attachments.build(self.business, self.list_id, material, self.policy)
        except KnownError as error:
            return error.message
        return None

    def _started(self, material: str) -> None:
        self._states[material].jobs += 1
        self.refresh_status()

    def _ended(self, material: str) -> bool:
        """Count a job done; False when the panel is gone (the clerk closed the dialog)."""
        if not shiboken6.isValid(self):
            return False
        self._states[material].jobs -= 1
        return True

    def _schedule_build(self, material: str) -> Op[str | None]:
        self._started(material)

        def done(problem: str | None) -> None:
            if self._ended(material):
                self._states[material].problem = problem
                if problem:
                    self._say(problem, error=True)
                self.refresh_status()

        def failed(error: BaseException) -> None:
            done(str(error))

        return (
            Op(None, lambda _ctx: self._build_now(material))
            .success(done)
            .failure(failed)
            .run(self._pool)
        )

    def choose_files(self) -> None:
        if self.current is None:
            return
        files, _ = file_dialogs.get_open_file_names(
            self, self.current, "", FILE_FILTER, purpose="attachments"
        )
        if files:
            self.add_files(self.current, [Path(f) for f in files])

    def add_files(self, material: str, files: list[Path]) -> Op[_Imported]:
        """Add files as pages of `material` and rebuild its PDF, in the background."""
        return self._import(material, files, origin=None)

    def _import(
        self,
        material: str,
        files: list[Path],
        *,
        origin: str | None,
        scan_dir: Path | None = None,
        note: str = "",
    ) -> Op[_Imported]:
        state = self._states[material]
        before = state.model.pages()
        self._started(material)

        def work(ctx: OpContext) -> _Imported:
            result = state.store.import_files(files, origin=origin)
            for number, page in enumerate(result.added, start=1):
                make_pictures(state.store.path(page))
                ctx.report(number, len(result.added))
            if scan_dir is not None:
                shutil.rmtree(scan_dir, ignore_errors=True)
            return result, state.store.pages(), self._build_now(material)

        def done(imported: _Imported) -> None:
            if not self._ended(material):
                return
            result, pages, problem = imported
            state.problem = problem
            if result.added:
                state.undo.append((before, f"添加 {len(result.added)} 页"))
                state.model.restore(pages)
                if material == self.current:
                    self.select_page(len(pages) - 1)
            said = [note] if note else []
            if result.added:
                said.append(f"“{material}”已添加 {len(result.added)} 页。")
            said += result.refused + ([problem] if problem else [])
            self._say(" ".join(said), error=bool(note or result.refused or problem))
            self.refresh_status()
            self._update_actions()

        def failed(error: BaseException) -> None:
            if self._ended(material):
                self._say(f"{note} {error}".strip(), error=True)
                self.refresh_status()

        # Progress shows in the panel, not in a dialog: the clerk may go on with another
        # material meanwhile, and no dialog outlives a panel closed mid-way.
        op: Op[_Imported] = Op(None, work).success(done).failure(failed)
        op.signals.progress.connect(self._import_progress)
        self._say(f"正在处理“{material}”的页面…")
        return op.run(self._pool)

    def _import_progress(self, done: int, total: int, _label: str) -> None:
        self._say(f"正在处理页面：{done} / {total}")

    # -- scanning ------------------------------------------------------------------------------

    def scan(self, material: str | None = None) -> Op[list[Path]] | None:
        """Scan into `material` (the current one) in the background; None with no scanner."""
        material = material or self.current
        settings = self.picker.settings()
        if material is None or settings is None or self.scan_op is not None:
            return None
        # A scanner silent for the policy's time is abandoned (the message comes from the scanner).
        settings = replace(settings, stall_seconds=self.policy.attachments.scan_stall_seconds)
        out_dir = self._states[material].store.folder / f".scan-{uuid.uuid4().hex[:8]}"
        scanner = self.picker.scanner
        self.scanned_pages = 0

        def work(ctx: OpContext) -> list[Path]:
            count = 0

            def on_page(_page: Path) -> None:
                nonlocal count
                count += 1
                ctx.report(count)

            return scanner.scan(settings, out_dir, on_page, lambda: ctx.cancelled)

        op: Op[list[Path]] = Op(self, work)
        op.signals.progress.connect(self._scan_progress)
        op.success(lambda pages: self._scan_ended(material, pages, None, out_dir))
        op.failure(lambda error: self._scan_ended(material, None, error, out_dir))
        self.scan_op = op
        self.scan_progress.setText(f"正在扫描到“{material}”…")
        self.cancel_button.setEnabled(True)
        self.progress_box.show()
        self._update_actions()
        self.changed.emit()
        return op.run()

    def _scan_progress(self, done: int, _total: int, _label: str) -> None:
        self.scanned_pages = done
        self.scan_progress.setText(f"正在扫描… 已扫描 {done} 页")

    def cancel_scan(self) -> None:
        if self.scan_op is not None:
            self.scan_op.ctx.cancel()
            self.cancel_button.setEnabled(False)
            self.scan_progress.setText("正在取消扫描…")

    def _scan_ended(
        self,
        material: str,
        pages: list[Path] | None,
        error: BaseException | None,
        out_dir: Path,
    ) -> None:
        if not shiboken6.isValid(self):
            return
        cancelled = self.scan_op is not None and self.scan_op.ctx.cancelled
        self.scan_op = None
        self.progress_box.hide()
        note = ""
        if isinstance(error, ScanFailedError):
            pages, note = error.pages, error.message
        elif error is not None:
            pages, note = [], str(error)
        elif cancelled:
            note = f"扫描已取消，已扫描的 {len(pages or [])} 页已保留。"
        if pages:
            self._import(material, list(pages), origin=SCANNED, scan_dir=out_dir, note=note)
        else:
            shutil.rmtree(out_dir, ignore_errors=True)
            if note:
                self._say(note, error=error is not None)
        self._update_actions()
        self.changed.emit()

    # -- what the clerk sees -------------------------------------------------------------------

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #c62828;" if error else "color: #2e7d32;")

    def refresh_status(self) -> None:
        """Each material's line (pages, size, or what is wrong) from the recorded documents."""
        documents = {a.material: a for a in self.attachments.for_list(self.list_id)}
        for name, state in self._states.items():
            doc = documents.get(name)
            if state.jobs:
                text = "正在生成 PDF…"
            elif state.problem:
                text = f"未能生成：{state.problem}"
            elif doc is not None:
                text = f"{doc.page_count} 页，{human_size(doc.size)}"
            else:
                text = "未添加"
            self.rows[name].status.setText(text)
        self.changed.emit()
