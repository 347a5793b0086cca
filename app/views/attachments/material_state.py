"""One material in the panel: its page files, list model, thumbnail view and undo stack."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from app.errors import KnownError
from app.services.material_pages import MaterialPages
from app.services.policy import Material
from app.views.attachments.page_model import PageListModel
from app.views.attachments.page_view import PageListView
from app.views.attachments.undo import Pages, PagesChange


class MaterialState(QObject):
    """A material's pages as the clerk edits them. Every change is stored at once and pushed
    on the material's own `QUndoStack`; `edited(what)` after a change, `put_back()` after an
    undo or a redo (the PDF is due either way), `store_failed(message)` if the disk refused."""

    edited = Signal(str)
    put_back = Signal()
    store_failed = Signal(str)

    def __init__(self, material: Material, pages: MaterialPages, parent: QObject) -> None:
        super().__init__(parent)
        self.material = material
        self.name = material.name
        self.pages = pages
        self.problem: str | None = None  # why the last PDF could not be made
        self.model = PageListModel(pages.folder, pages.pages(), self)
        self.model.edited.connect(self._edited)
        self.view = PageListView()
        self.view.setModel(self.model)  # once: its selection model lives as long as the view
        self.undo = QUndoStack(self)

    def _push(self, what: str, before: Pages, after: Pages) -> None:
        self.undo.push(PagesChange(what, before, after, self._put_back))

    def _edited(self, before: Pages, what: str) -> None:
        after = self.model.pages()
        self._push(what, before, after)
        self._store(after)
        self.edited.emit(what)

    def added(self, pages: Pages, what: str) -> None:
        """Pages an import stored: shown, and undoable like any other change."""
        before = self.model.pages()
        self.model.restore(pages)
        self._push(what, before, pages)

    def undo_last(self) -> str | None:
        """Undo the last change; what it was, or None when there is nothing to undo."""
        if not self.undo.canUndo():
            return None
        what = self.undo.undoText()
        self.undo.undo()
        return what

    def redo_last(self) -> str | None:
        """Make the last undone change again; what it was, or None when there is none."""
        if not self.undo.canRedo():
            return None
        what = self.undo.redoText()
        self.undo.redo()
        return what

    def _put_back(self, pages: Pages) -> None:
        self.model.restore(pages)
        self._store(pages)
        self.put_back.emit()

    def _store(self, pages: Pages) -> None:
        try:
            self.pages.replace(pages)
        except KnownError as error:
            self.store_failed.emit(error.message)
