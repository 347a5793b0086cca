"""The pending list (清册) as a Qt table model that reads a screenful at a time (issue 12).

The model holds the list's *index* — the ids in the clerk's order, each with its sort key, and
the counts and totals SQLite added up (`PendingStore.index`) — and asks for rows only when a
view shows them, `BLOCK` at a time, keeping the last `CACHED_ROWS` by id. Sorting and
searching are SQL (`sort`, `search`); a big list's new index is read on a worker, so the window
never waits on it. One changed row moves alone (`row_added`, `row_changed`, `rows_removed`):
nothing is read again but that row, and where it goes is read on the worker that changed it
(`placed`), so the window's thread runs no SQL for a change.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import shiboken6
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal

from app.services.engine.pending import PendingLists, RowView
from app.services.engine.pending_query import ERRORS_KEY, ListIndex, ListOrder, ListSummary
from app.views.business.pending_cells import ROLES, cell, counted
from app.views.business.pending_cells import display_value as display_value
from app.views.list_model import TableModelBase
from app.views.ops import Op

Index = QModelIndex | QPersistentModelIndex
ROW_ID_ROLE = Qt.ItemDataRole.UserRole + 1
BLOCK = 100  # rows read at once: a screenful and then some
CACHED_ROWS = 4_000  # rows kept by id: an insert or a move above them costs no re-read
SYNC_ROWS = 5_000  # a list this small is read at once; a bigger one on a worker


@dataclass(frozen=True)
class Place:
    """A changed row and where it goes in the view's order and search, as read then."""

    row: RowView
    order: ListOrder
    text: str
    found: tuple[bool, Any] | None  # (matches the search, sort key); None: the row is gone


def first_screen(
    pending: PendingLists, order: ListOrder, text: str
) -> tuple[ListIndex, dict[int, RowView]]:
    """The index and its first `BLOCK` rows (on a worker: the first screen reads nothing)."""
    index = pending.index(order, text)
    return index, pending.rows_by_id(index.ids[:BLOCK]) if index.ids else {}


def save_row(pending: PendingLists, editing: int | None, values: dict[str, Any]) -> RowView:
    """添加 (no row being modified) or 保存修改: the one service call either way."""
    return pending.add(values) if editing is None else pending.update(editing, values)


def save_and_place(
    pending: PendingLists,
    editing: int | None,
    values: dict[str, Any],
    where: tuple[ListOrder, str],
) -> Place:
    """`save_row`, and where the saved row goes in `where` (order, search): on a worker."""
    return placed(pending, [save_row(pending, editing, values)], *where)[0]


def placed(
    pending: PendingLists, rows: Iterable[RowView], order: ListOrder, text: str
) -> list[Place]:
    """Where each of `rows` goes (run on the worker that changed them, right after)."""
    return [Place(row, order, text, pending.locate(row.id, order, text)) for row in rows]


class PendingRowsModel(TableModelBase):
    """Read-only; changes go through the service and come back as `row_added` & co."""

    loaded = Signal()  # a new index is in (open, refresh, sort, search): rows all new
    summed = Signal()  # the summary was added up again (a worker's answer)

    def __init__(self, pending: PendingLists) -> None:
        super().__init__()
        self.pending = pending
        self.spec = pending.spec
        self.columns = self.spec.list_fields()
        self.headers = tuple(f.label for f in self.columns) + ("错误说明",)
        self.order = ListOrder()
        self.text = ""
        self.summary = ListSummary(0, 0, {key: Decimal(0) for key in self.spec.totals})
        self.loading: Op[tuple[ListIndex, dict[int, RowView]]] | None = None
        self.big = False  # read on a worker: more than SYNC_ROWS rows when last asked
        self._ids: list[int] = []
        self._keys: list[Any] = []
        self._rows: OrderedDict[int, RowView] = OrderedDict()
        self._asked = 0  # the latest index asked for; older answers are dropped
        self._fetching: set[int] = set()  # ids being read on a worker for painting

    # --- reading the index ------------------------------------------------------------------
    def reload(self, *, background: bool | None = None) -> None:
        """Read the index again; on a worker when the list is big (or `background`)."""
        self.big = self.pending.count() > SYNC_ROWS
        if background is None:
            background = self.loading is not None or self.big
        self._asked += 1
        asked, order, text, pending = self._asked, self.order, self.text, self.pending
        if not background:
            self.apply(pending.index(order, text))
            return
        self.loading = (
            Op(None, lambda _ctx: first_screen(pending, order, text))
            .success(lambda read: self._arrived(asked, *read))
            .failure(lambda _error: self._arrived(asked, None))
            .run()
        )

    def _arrived(
        self, asked: int, index: ListIndex | None, rows: dict[int, RowView] | None = None
    ) -> None:
        if asked != self._asked or not shiboken6.isValid(self):
            return  # a later sort or search is on its way, or the page closed meanwhile
        self.loading = None
        if index is not None:
            self.apply(index, rows)

    def apply(self, index: ListIndex, rows: dict[int, RowView] | None = None) -> None:
        """Show `index` (and `rows`, its first screenful, if read with it): the view forgets
        its rows and asks for the ones it shows."""
        self.beginResetModel()
        self._ids, self._keys, self.summary = index.ids, index.keys, index.summary
        self._rows.clear()
        self._rows.update(rows or {})
        self.endResetModel()
        self.loaded.emit()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorted by SQLite: a header click asks for a new index (column -1: entry order)."""
        if column < 0 or column > len(self.columns):
            key = None
        else:
            key = self.columns[column].key if column < len(self.columns) else ERRORS_KEY
        wanted = ListOrder(key, key is not None and order == Qt.SortOrder.DescendingOrder)
        if wanted != self.order:
            self.order = wanted
            if self._asked:  # before the first read (a view set up) there is nothing to sort
                self.reload(background=True)

    def search(self, text: str) -> None:
        """Only the rows whose listed values or error marks contain `text`."""
        if text.strip() != self.text:
            self.text = text.strip()
            self.reload(background=True)

    # --- rows -------------------------------------------------------------------------------
    def row_of(self, row_id: int) -> int | None:
        try:
            return self._ids.index(row_id)
        except ValueError:
            return None

    def row_id(self, row: int) -> int:
        return self._ids[row]

    def item(self, row: int) -> RowView:
        """The row shown at `row` (read with its block of neighbours when first asked for)."""
        row_id = self._ids[row]
        found = self._rows.get(row_id)
        if found is None:
            start = row - row % BLOCK
            block = self._ids[start : start + BLOCK]
            fetched = self.pending.rows_by_id([i for i in block if i not in self._rows])
            self._rows.update(fetched)
            while len(self._rows) > CACHED_ROWS:
                self._rows.popitem(last=False)
            # Gone meanwhile (another window deleted it): shown empty until the next refresh.
            found = fetched.get(row_id) or RowView(row_id, 0, {}, {}, None, deleted=True)
        return found

    def cached(self, row_id: int) -> RowView | None:
        """The row with `row_id` if it is held (shown lately), without reading it."""
        return self._rows.get(row_id)

    def _shown(self, row: int) -> RowView | None:
        """The row at `row` for painting: a big list's rows not read yet are read on a worker
        (`_fetch`), and the cells stay blank until they arrive: the UI thread reads nothing."""
        found = self._rows.get(self._ids[row])
        if found is not None or not self.big:
            return found or self.item(row)
        start = row - row % BLOCK
        wanted = [i for i in self._ids[start : start + BLOCK] if i not in self._rows]
        wanted = [i for i in wanted if i not in self._fetching]
        if wanted:
            self._fetching.update(wanted)
            pending = self.pending
            (
                Op(None, lambda _ctx: pending.rows_by_id(wanted))
                .success(lambda rows: self._fetched(wanted, rows))
                .failure(lambda _error: self._fetched(wanted, {}))
                .run()
            )
        return None

    def _fetched(self, ids: list[int], rows: dict[int, RowView]) -> None:
        if not shiboken6.isValid(self):
            return  # the page closed meanwhile
        self._fetching.difference_update(ids)
        for row_id in ids:  # gone meanwhile (another window deleted it): empty until refreshed
            self._rows[row_id] = rows.get(row_id) or RowView(row_id, 0, {}, {}, None, deleted=True)
        while len(self._rows) > CACHED_ROWS:
            self._rows.popitem(last=False)
        if self._ids:  # wherever those rows are now, the view paints what it shows again
            last = self.index(len(self._ids) - 1, self.columnCount() - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def _position(self, key: Any, row_id: int) -> int:
        """Where (key, id) goes among the shown rows: the order SQLite gave them."""
        target = (key, row_id)
        low, high = 0, len(self._ids)
        while low < high:
            middle = (low + high) // 2
            here = (self._keys[middle], self._ids[middle])
            if (here > target) if self.order.descending else (here < target):
                low = middle + 1
            else:
                high = middle
        return low

    @property
    def where(self) -> tuple[ListOrder, str]:
        """The order and search a worker's `placed` answers for."""
        return self.order, self.text

    def row_added(self, row: RowView, place: Place | None = None) -> None:
        """A new (or restored) row: counted, and shown where the order puts it if it matches;
        `place` read by the worker that added it (else asked here: a small list)."""
        self.summary = counted(self.summary, row, 1)
        self._place(row, place)

    def row_changed(
        self, before: RowView | None, after: RowView, place: Place | None = None
    ) -> None:
        """A modified row: its cells shown as saved, moved if its sort key changed. Without
        `before` (its old amounts unknown) the summary is added up again."""
        if before is not None:
            self.summary = counted(counted(self.summary, before, -1), after, 1)
        else:
            self.resum()
        self._forget(after.id)
        self._place(after, place)

    def resum(self) -> None:
        """The counts and totals from SQLite again; on a worker for a big list."""
        pending = self.pending
        if not self.big:
            self.summary = pending.summary()
            self.summed.emit()
            return
        Op(None, lambda _ctx: pending.summary()).success(self._summed).run()

    def _summed(self, summary: ListSummary) -> None:
        if shiboken6.isValid(self):
            self.summary = summary
            self.summed.emit()

    def rows_removed(self, rows: Iterable[RowView]) -> None:
        for row in rows:
            self.summary = counted(self.summary, row, -1)
            at = self.row_of(row.id)
            if at is not None:
                self.beginRemoveRows(QModelIndex(), at, at)
                del self._ids[at], self._keys[at]
                self.endRemoveRows()

    def _place(self, row: RowView, place: Place | None) -> None:
        """Put a row where it belongs now: inserted, moved, dropped (no longer matching)."""
        if place is None:
            found = self.pending.locate(row.id, self.order, self.text)
        elif (place.order, place.text) != (self.order, self.text):
            # Sorted or searched meanwhile: the index asked for then is read on a worker.
            self.reload(background=True)
            return
        else:
            found = place.found
        row_id = row.id
        if found is not None and not row.deleted:
            self._rows[row_id] = row  # as the service returned it: painting it reads nothing
        at = self.row_of(row_id)
        if at is not None:  # out of the way first; its neighbours' order is unchanged
            key_before = self._keys[at]
            del self._ids[at], self._keys[at]
            if found is not None and found[0]:
                to = self._position(found[1], row_id)
                if to == at:
                    self._ids.insert(at, row_id)
                    self._keys.insert(at, found[1])
                    last = self.index(at, self.columnCount() - 1)
                    self.dataChanged.emit(self.index(at, 0), last)
                    return
            self._ids.insert(at, row_id)  # back, so the model moves or removes it properly
            self._keys.insert(at, key_before)
            self.beginRemoveRows(QModelIndex(), at, at)
            del self._ids[at], self._keys[at]
            self.endRemoveRows()
        if found is not None and found[0]:
            to = self._position(found[1], row_id)
            self.beginInsertRows(QModelIndex(), to, to)
            self._ids.insert(to, row_id)
            self._keys.insert(to, found[1])
            self.endInsertRows()

    def _forget(self, row_id: int) -> None:
        self._rows.pop(row_id, None)

    # --- TableModelBase ---------------------------------------------------------------------
    def row_count(self) -> int:
        return len(self._ids)

    def row_data(self, row: int, column: int, role: int) -> Any:
        if role == ROW_ID_ROLE:
            return self._ids[row]
        if role not in ROLES:  # asked a dozen times per painted cell: no row looked up
            return None
        shown = self._shown(row)
        return None if shown is None else cell(self.columns, shown, column, role)
