"""Undo for a material's pages: one `QUndoStack` per material, one command per change."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from app.services.material_pages import StoredPage

Pages = tuple[StoredPage, ...]


class PagesChange(QUndoCommand):
    """A change to a material's pages, pushed once the change is made (by a button, a drag or
    an import): undo puts the pages before it back, redo the pages after it."""

    def __init__(self, what: str, before: Pages, after: Pages, apply: Callable[[Pages], None]):
        super().__init__(what)
        self.before = before
        self.after = after
        self._apply = apply
        self._made = True  # QUndoStack.push calls redo(): the change is there already

    def redo(self) -> None:
        if self._made:
            self._made = False
            return
        self._apply(self.after)

    def undo(self) -> None:
        self._apply(self.before)
