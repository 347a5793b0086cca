"""The thumbnail list: icon mode, reorder by drag, files dropped in from the file manager."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from app.views.attachments.page_model import PageListModel


def local_files(event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[Path]:
    """The local files a drag carries (none for web links or other data)."""
    data = event.mimeData()
    if not data.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in data.urls() if url.isLocalFile()]


class PageListView(QListView):
    """Thumbnails of one material's pages."""

    files_dropped = Signal(list)  # list[Path]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pageThumbnails")
        self.setViewMode(QListView.ViewMode.IconMode)
        # Static: the model, not the view, holds the order; drops are handled in dropEvent.
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setWrapping(True)
        self.setIconSize(QSize(120, 150))
        self.setGridSize(QSize(140, 185))
        self.setUniformItemSizes(True)
        self.setSpacing(4)
        self.setWordWrap(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.hint = "把扫描件或文件拖到这里，\n或点击“扫描”“添加文件…”"

    def page_model(self) -> PageListModel | None:
        model = self.model()
        return model if isinstance(model, PageListModel) else None

    def selected_rows(self) -> list[int]:
        return sorted(index.row() for index in self.selectionModel().selectedIndexes())

    def drop_row(self, pos: QPoint) -> int:
        """Where a drop at `pos` puts the pages: before the item under it, or after it."""
        model = self.page_model()
        index = self.indexAt(pos)
        if model is None:
            return 0
        if not index.isValid():
            return model.rowCount()
        rect = self.visualRect(index)
        return index.row() + (1 if pos.x() > rect.center().x() else 0)

    def _accepts(self, event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> bool:
        model = self.page_model()
        if model is None:
            return False
        return model.rows_from_mime(event.mimeData()) is not None or bool(local_files(event))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if self._accepts(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        if self._accepts(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        model = self.page_model()
        if model is None:
            event.ignore()
            return
        rows = model.rows_from_mime(event.mimeData())
        if rows is not None:
            model.move_rows(rows, self.drop_row(event.position().toPoint()))
            # Copy, not Move: the pages were moved here; the drag source must remove nothing.
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            return
        files = local_files(event)
        if files:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.files_dropped.emit(files)
            return
        event.ignore()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        model = self.page_model()
        if model is None or model.rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter, self.hint)
            painter.end()
