"""从身份证批量读取 on the batch 开户 page: a stack of cards → rows 待补全 in the 待开户清册.

The clerk picks a folder or files (a feeder scan saved as images or one PDF); the pages are read
on a worker with progress and 取消; the preview lists who will be added and which pages will
not (and why); 加入待开户清册 stores the rows and puts each page into 身份证复印件. The pages of a
PDF are written to a temporary folder only until they are attached, then it is removed.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QMenu, QPushButton, QWidget

from app.errors import Cancelled, KnownError
from app.services.attachments import AttachmentService
from app.services.engine.pending import PendingLists
from app.services.scanning import Scanner
from app.views import file_dialogs
from app.views.idcard.action import CARD_FILTER
from app.views.ops import Op, OpContext

if TYPE_CHECKING:  # the reading machinery is imported on first use, not with the page
    from app.services.idcard.engine import TextEngine
    from app.services.idcard.stack_list import StackAdded, StackPreview
    from app.views.idcard.stack_dialog import CardStackDialog


def _default_engine() -> TextEngine:
    from app.services.idcard.engine import default_engine  # loads onnxruntime: worker only

    return default_engine()


class CardStackAction(QObject):
    """The 从身份证批量读取 box, the background read, the preview and 加入待开户清册."""

    said = Signal(str, bool)  # message, is_error
    added = Signal(int)  # rows added to the 清册

    def __init__(
        self,
        parent: QWidget,
        pending: PendingLists,
        attachments: AttachmentService,
        engine: Callable[[], TextEngine] = _default_engine,
        scanner: Scanner | None = None,
    ) -> None:
        super().__init__(parent)
        self.parent_widget, self.pending, self.attachments = parent, pending, attachments
        self._engine, self.scanner = engine, scanner
        self.op: Op[StackPreview] | Op[StackAdded] | None = None
        self.dialog: CardStackDialog | None = None
        self._work_dir: Path | None = None
        self.button = QPushButton("从身份证批量读取…")
        self.button.setObjectName("readCardStackButton")
        menu = QMenu(self.button)
        menu.addAction("选择文件夹…", self.choose_folder)
        menu.addAction("选择图片或PDF文件…", self.choose_files)
        menu.addAction("从扫描仪进纸器扫描…", self.scan)
        self.button.setMenu(menu)
        hint = QLabel(
            "一叠身份证（进纸器扫描存成的图片或PDF，一页一张正面）：识别后直接加入清册，"
            "手机号码、缴存基数留待补全；号码未通过校验的页面不加入。"
        )
        hint.setWordWrap(True)
        self.box = QGroupBox("或者：从身份证批量读取")
        row = QHBoxLayout(self.box)
        row.addWidget(self.button)
        row.addWidget(hint, 1)

    def choose_folder(self) -> None:
        folder = file_dialogs.get_existing_directory(
            self.parent_widget, "选择身份证扫描件所在的文件夹", purpose="attachments"
        )
        if folder:
            self.read([Path(folder)])

    def choose_files(self) -> None:
        files, _ = file_dialogs.get_open_file_names(
            self.parent_widget, "选择身份证图片或PDF", "", CARD_FILTER, purpose="attachments"
        )
        if files:
            self.read([Path(f) for f in files])

    def read(self, paths: Sequence[Path]) -> Op[StackPreview] | None:
        """Read every page of these files/folders in the background, then show the preview."""
        return self._start(lambda _ctx, _work_dir: (list(paths), ""))

    def scan(self) -> Op[StackPreview] | None:
        """Scan the stack from the scanner's feeder, then read it (one worker, one 取消)."""
        from app.services.idcard.stack_list import scan_stack

        given = self.scanner

        def gather(ctx: OpContext, work_dir: Path) -> tuple[list[Path], str]:
            from app.services.scanning import default_scanner

            count = 0

            def arrived(_page: Path) -> None:
                nonlocal count
                count += 1
                ctx.report(0, None, f"正在扫描：已扫描 {count} 页")

            return scan_stack(
                given or default_scanner(),
                work_dir / "scan",
                cancelled=lambda: ctx.cancelled,
                on_page=arrived,
            )

        return self._start(gather)

    def _start(
        self, gather: Callable[[OpContext, Path], tuple[list[Path], str]]
    ) -> Op[StackPreview] | None:
        if self.op is not None:
            return None
        from app.services.idcard.stack_list import preview, read_pages

        make_engine, pending = self._engine, self.pending  # the worker gets no widget
        key = pending.spec.row_key or "id_number"
        self._work_dir = work_dir = Path(tempfile.mkdtemp(prefix="gjj-cards-"))

        def work(ctx: OpContext) -> StackPreview:
            def progress(done: int, total: int) -> None:
                ctx.report(done, total, f"正在识别身份证：第 {done} / {total} 页")

            paths, note = gather(ctx, work_dir)
            pages = read_pages(
                paths, make_engine(), work_dir, cancelled=lambda: ctx.cancelled, progress=progress
            )
            in_list = {str(r.values.get(key, "")).upper() for r in pending.rows()}
            return replace(preview(pages, in_list), note=note)

        self.button.setEnabled(False)
        self.said.emit("正在识别身份证…", False)
        op = Op(self.parent_widget, work).success(self._preview).failure(self._failed)
        self.op = op
        return op.with_progress("正在识别身份证…").run()

    def _preview(self, stack: StackPreview) -> None:
        from app.views.idcard.stack_dialog import CardStackDialog

        self.op = None
        self.dialog = dialog = CardStackDialog(
            stack, self.pending.spec.list_name, self.parent_widget
        )
        dialog.accepted.connect(lambda: self.add(stack))
        dialog.rejected.connect(lambda: self._done("已取消，未加入任何记录。", False))
        dialog.open()
        counts = f"识别完成：{len(stack.people)} 人可加入，{len(stack.flagged)} 页未加入。"
        self.said.emit(" ".join(filter(None, (stack.note, counts))), bool(stack.note))

    def add(self, stack: StackPreview) -> Op[StackAdded]:
        """加入待开户清册, in the background (the pages are copied and the PDF made)."""
        from app.services.idcard.stack_list import add_to_list

        pending, attachments = self.pending, self.attachments
        op = Op(self.parent_widget, lambda _ctx: add_to_list(stack, pending, attachments))
        self.op = op.success(self._added).failure(self._failed)
        return op.with_progress("正在加入清册…").run()

    def _added(self, result: StackAdded) -> None:
        count = len(result.rows)
        text = f"已加入 {count} 人到{self.pending.spec.list_name}，待补全手机号码、缴存基数"
        if result.material is not None:
            text += f"；{result.attached} 页身份证已放入“{result.material}”"
        error = result.problem is not None
        self._done(text + "。" + (f" {result.problem}" if result.problem else ""), error)
        self.added.emit(count)

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, Cancelled):
            self._done("已取消身份证识别，未加入任何记录。", False)
        else:
            self._done(error.message if isinstance(error, KnownError) else str(error), True)

    def _done(self, text: str, error: bool) -> None:
        self.op = None
        self.button.setEnabled(True)
        if self._work_dir is not None:
            shutil.rmtree(self._work_dir, ignore_errors=True)  # card images leave no copy behind
            self._work_dir = None
        self.said.emit(text, error)
