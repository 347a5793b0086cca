"""The thumbnail list: icon mode, reorder by drag, files dropped in from the file manager."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QPoint, QSize, Qt, Signal
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
        selection = self.selectionModel()
        if selection is None:
            return []
        return sorted(index.row() for index in selection.selectedIndexes())

    # -- changes to the selected pages (the model announces each for undo) ----------------------

    def move_selected(self, step: int) -> None:
        """Move the selected pages one place earlier (step < 0) or later; they stay selected."""
        model, rows = self.page_model(), self.selected_rows()
        if model is None or not rows:
            return
        destination = rows[0] - 1 if step < 0 else rows[-1] + 2
        if destination < 0 or destination > model.rowCount():
            return
        if model.move_rows(rows, destination):
            first = rows[0] - 1 if step < 0 else rows[0] + 1
            self.select_rows(range(first, first + len(rows)))

    def select_rows(self, rows: range) -> None:
        selection = self.selectionModel()
        selection.clearSelection()
        for row in rows:
            selection.select(self.model().index(row, 0), QItemSelectionModel.SelectionFlag.Select)
        selection.setCurrentIndex(
            self.model().index(rows[0], 0), QItemSelectionModel.SelectionFlag.NoUpdate
        )

    def rotate_selected(self, degrees: int) -> None:
        model, rows = self.page_model(), self.selected_rows()
        if model is not None and rows:
            model.rotate(rows, degrees)

    def delete_selected(self) -> None:
        model, rows = self.page_model(), self.selected_rows()
        if model is not None and rows:
            model.remove(rows)

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
