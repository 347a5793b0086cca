"""The pages of the main window's stack, kept per unit for the window's life.

Switching unit or logging in (also as another unit) never throws a page away: a half-filled
form stays as the clerk left it and is there again when they come back to that unit. A page
made while no unit existed (the "add a unit first" placeholder) holds nothing typed and is
dropped as soon as there is a unit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from PySide6.QtWidgets import QStackedWidget, QWidget

PageSlot = tuple[str | None, str]  # (unit code, menu entry)


class UnitPages:
    """Which page the stack shows for (unit, menu entry), made on first use."""

    def __init__(self, stack: QStackedWidget) -> None:
        self.stack = stack
        self._pages: dict[PageSlot, QWidget] = {}

    def show(self, unit_code: str | None, key: str, make: Callable[[], QWidget]) -> QWidget:
        """Show the unit's page of an entry; `make` builds it the first time."""
        slot = (unit_code, key)
        page = self._pages.get(slot)
        if page is None:
            page = make()
            page.setObjectName(f"page-{key}")
            self._pages[slot] = page
            self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        return page

    def shown_entry(self) -> str | None:
        """The menu entry whose page is on screen (None when it is not one of these pages)."""
        shown = self.stack.currentWidget()
        return next((key for (_code, key), page in self._pages.items() if page is shown), None)

    def of_unit(self, unit_code: str | None) -> Iterator[QWidget]:
        return (page for (code, _key), page in self._pages.items() if code == unit_code)

    def refresh(self, unit_code: str | None) -> None:
        """The unit's pages read their data again (lists, counts); what is typed stays."""
        for page in self.of_unit(unit_code):
            refresh = getattr(page, "refresh", None)
            if callable(refresh):
                refresh()

    def drop_unitless(self) -> None:
        """Remove the pages made while there was no unit (placeholders, nothing typed)."""
        for slot in [s for s in self._pages if s[0] is None]:
            page = self._pages.pop(slot)
            self.stack.removeWidget(page)
            page.deleteLater()
