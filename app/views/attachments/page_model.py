"""The pages of one material as a list model: thumbnails, order, rotation, drag data."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap, QTransform

from app.services.material_pages import StoredPage
from app.views.attachments.thumbnails import THUMB_PX, thumbnail_path

PAGE_MIME = "application/x-gjj-desk-pages"
PATH_ROLE = Qt.ItemDataRole.UserRole + 1
ROTATION_ROLE = Qt.ItemDataRole.UserRole + 2
ANY_INDEX = QModelIndex | QPersistentModelIndex


def _placeholder(name: str) -> QPixmap:
    """A blank sheet with the file kind on it, for pages with no picture (e.g. a text PDF)."""
    pixmap = QPixmap(round(THUMB_PX * 0.71), THUMB_PX)
    pixmap.fill(QColor("white"))
    painter = QPainter(pixmap)
    painter.setPen(QColor("#9e9e9e"))
    painter.drawRect(pixmap.rect().adjusted(0, 0, -1, -1))
    font = QFont()
    font.setPointSize(14)
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(
        QRect(0, 0, pixmap.width(), pixmap.height()),
        Qt.AlignmentFlag.AlignCenter,
        Path(name).suffix.lstrip(".").upper() or "?",
    )
    painter.end()
    return pixmap


class PageListModel(QAbstractListModel):
    """One material's pages in order. Every change the clerk makes is announced by `edited`."""

    edited = Signal(object, str)  # the pages before the change (a tuple), what was done

    def __init__(
        self, folder: Path, pages: Sequence[StoredPage] = (), parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.folder = folder
        self._pages: list[StoredPage] = list(pages)
        self._pixmaps: dict[tuple[str, int], QPixmap] = {}

    # -- reading ------------------------------------------------------------------------------

    def pages(self) -> tuple[StoredPage, ...]:
        return tuple(self._pages)

    def page(self, row: int) -> StoredPage:
        return self._pages[row]

    def path(self, row: int) -> Path:
        return self.folder / self._pages[row].file

    def rowCount(self, parent: ANY_INDEX = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._pages)

    def data(self, index: ANY_INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._pages):
            return None
        page = self._pages[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"第 {index.row() + 1} 页"
        if role == Qt.ItemDataRole.DecorationRole:
            # An icon, not a pixmap: the view scales icons to its icon size.
            return QIcon(self.pixmap(page))
        if role == Qt.ItemDataRole.ToolTipRole:
            turned = f"，已旋转 {page.rotation}°" if page.rotation else ""
            return f"第 {index.row() + 1} 页（来自：{page.origin}{turned}）"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"第 {index.row() + 1} 页，来自 {page.origin}"
        if role == PATH_ROLE:
            return str(self.folder / page.file)
        if role == ROTATION_ROLE:
            return page.rotation
        return None

    def pixmap(self, page: StoredPage) -> QPixmap:
        """The page's thumbnail, turned as the page is."""
        key = (page.file, page.rotation)
        if key not in self._pixmaps:
            thumb = thumbnail_path(self.folder / page.file)
            pixmap = QPixmap(str(thumb)) if thumb.exists() else QPixmap()
            if pixmap.isNull():
                pixmap = _placeholder(page.file)
            if page.rotation:
                pixmap = pixmap.transformed(QTransform().rotate(page.rotation))
            self._pixmaps[key] = pixmap
        return self._pixmaps[key]

    def flags(self, index: ANY_INDEX) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (
            Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    # -- drag and drop ------------------------------------------------------------------------

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [PAGE_MIME, "text/uri-list"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # noqa: N802
        rows = sorted({index.row() for index in indexes if index.isValid()})
        data = QMimeData()
        payload = {"folder": str(self.folder), "rows": rows}
        data.setData(PAGE_MIME, json.dumps(payload).encode("utf-8"))
        return data

    def rows_from_mime(self, data: QMimeData) -> list[int] | None:
        """The rows a drag of this model's own pages carries; None for anything else."""
        if not data.hasFormat(PAGE_MIME):
            return None
        payload = json.loads(bytes(data.data(PAGE_MIME).data()).decode("utf-8"))
        if payload.get("folder") != str(self.folder):
            return None
        return [row for row in payload.get("rows", []) if 0 <= row < len(self._pages)]

    # -- changes the clerk makes (each one announced for undo) -----------------------------

    def moveRows(  # noqa: N802
        self,
        source_parent: ANY_INDEX,
        source_row: int,
        count: int,
        destination_parent: ANY_INDEX,
        destination_child: int,
    ) -> bool:
        if source_parent.isValid() or destination_parent.isValid() or count < 1:
            return False
        end = source_row + count
        if (
            source_row < 0
            or end > len(self._pages)
            or not 0 <= destination_child <= len(self._pages)
        ):
            return False
        if source_row <= destination_child <= end:
            return False  # onto itself: nothing moves
        before = self.pages()
        self.beginMoveRows(QModelIndex(), source_row, end - 1, QModelIndex(), destination_child)
        block = self._pages[source_row:end]
        del self._pages[source_row:end]
        insert_at = (
            destination_child - count if destination_child > source_row else destination_child
        )
        self._pages[insert_at:insert_at] = block
        self.endMoveRows()
        self._renumbered()
        self.edited.emit(before, "移动页面")
        return True

    def move_rows(self, rows: Sequence[int], destination: int) -> bool:
        """Move the pages at `rows` (any selection) to before `destination`, keeping their order."""
        rows = sorted(set(rows))
        if not rows:
            return False
        if rows == list(range(rows[0], rows[-1] + 1)):
            return self.moveRows(QModelIndex(), rows[0], len(rows), QModelIndex(), destination)
        before = self.pages()
        moving = [self._pages[row] for row in rows]
        staying = [page for row, page in enumerate(self._pages) if row not in set(rows)]
        at = destination - sum(1 for row in rows if row < destination)
        self._replace([*staying[:at], *moving, *staying[at:]])
        self.edited.emit(before, "移动页面")
        return True

    def rotate(self, rows: Sequence[int], degrees: int) -> None:
        before = self.pages()
        for row in sorted(set(rows)):
            self._pages[row] = self._pages[row].rotated(degrees)
            index = self.index(row)
            self.dataChanged.emit(index, index)
        if rows:
            self.edited.emit(before, "旋转页面")

    def remove(self, rows: Sequence[int]) -> None:
        before = self.pages()
        for row in sorted(set(rows), reverse=True):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._pages[row]
            self.endRemoveRows()
        if rows:
            self._renumbered()
            self.edited.emit(before, f"删除 {len(set(rows))} 页")

    def append(self, pages: Sequence[StoredPage]) -> None:
        if not pages:
            return
        before = self.pages()
        self.beginInsertRows(QModelIndex(), len(self._pages), len(self._pages) + len(pages) - 1)
        self._pages.extend(pages)
        self.endInsertRows()
        self.edited.emit(before, f"添加 {len(pages)} 页")

    def restore(self, pages: Sequence[StoredPage]) -> None:
        """Put back an earlier state (undo); not itself an edit."""
        self._replace(list(pages))

    def _replace(self, pages: list[StoredPage]) -> None:
        self.beginResetModel()
        self._pages = pages
        self.endResetModel()

    def _renumbered(self) -> None:
        # "第 n 页" changes for every row after a move or a delete.
        if self._pages:
            self.dataChanged.emit(
                self.index(0), self.index(len(self._pages) - 1), [Qt.ItemDataRole.DisplayRole]
            )
