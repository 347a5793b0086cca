"""The scan bar: a running scan's progress (已扫描 n 页) and its 取消扫描 button.

It runs one scan at a time and says when it ended, with the pages that arrived and what to
tell the clerk (a jam, a cancel); what becomes of the pages is the panel's business.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from app.services.scanning import ScanFailedError, Scanner, ScanSettings
from app.views.ops import Op, OpContext


class ScanBar(QWidget):
    """Shown while a scan runs. `ended(material, pages, note, failed, out_dir)` when it stops;
    with no pages the scan's folder is already removed."""

    started = Signal()
    ended = Signal(str, list, str, bool, object)  # material, list[Path], note, failed, Path

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scan_op: Op[list[Path]] | None = None
        self.scanned_pages = 0
        self.progress = QLabel()
        self.progress.setObjectName("scanProgress")
        self.cancel_button = QPushButton("取消扫描")
        self.cancel_button.clicked.connect(self.cancel)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        self.hide()

    def start(
        self, scanner: Scanner, settings: ScanSettings, material: str, out_dir: Path
    ) -> Op[list[Path]]:
        """Scan into `out_dir` in the background (the worker sees the scanner, not this bar)."""

        def work(ctx: OpContext) -> list[Path]:
            count = 0

            def on_page(_page: Path) -> None:
                nonlocal count
                count += 1
                ctx.report(count)

            return scanner.scan(settings, out_dir, on_page, lambda: ctx.cancelled)

        op: Op[list[Path]] = Op(self, work)
        op.signals.progress.connect(self._progress)
        op.success(lambda pages: self._ended(material, pages, None, out_dir))
        op.failure(lambda error: self._ended(material, None, error, out_dir))
        self.scan_op = op
        self.scanned_pages = 0
        self.progress.setText(f"正在扫描到“{material}”…")
        self.cancel_button.setEnabled(True)
        self.show()
        self.started.emit()
        return op.run()

    def _progress(self, done: int, _total: int, _label: str) -> None:
        self.scanned_pages = done
        self.progress.setText(f"正在扫描… 已扫描 {done} 页")

    def cancel(self) -> None:
        """Stop the scan after the sheet in hand; the pages so far are kept."""
        if self.scan_op is not None:
            self.scan_op.ctx.cancel()
            self.cancel_button.setEnabled(False)
            self.progress.setText("正在取消扫描…")

    def _ended(
        self,
        material: str,
        pages: list[Path] | None,
        error: BaseException | None,
        out_dir: Path,
    ) -> None:
        cancelled = self.scan_op is not None and self.scan_op.ctx.cancelled
        self.scan_op = None
        self.hide()
        note = ""
        if isinstance(error, ScanFailedError):
            pages, note = error.pages, error.message
        elif error is not None:
            pages, note = [], str(error)
        elif cancelled:
            note = f"扫描已取消，已扫描的 {len(pages or [])} 页已保留。"
        if not pages:
            shutil.rmtree(out_dir, ignore_errors=True)
        self.ended.emit(material, list(pages or []), note, error is not None, out_dir)
