"""The SQL store of a business's 清册: the open list, its live rows, the write lock, inserts."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from app.errors import BadInputError
from app.models import PendingList, PendingRow, Unit
from app.models.base import JSONText, utcnow
from app.services.engine import pending_query as pq
from app.services.engine.centre_check import CentreCheck
from app.services.engine.pending_query import ListSummary as ListSummary
from app.services.engine.pending_query import RowView as RowView
from app.services.engine.row_context import KeyLookup, build_context
from app.services.engine.spec import BusinessSpec, RowContext
from app.services.engine.states import ListState
from app.services.policy import CentrePolicy
from app.services.store import Store


class RowInvalidError(BadInputError):
    """A row breaks its rules; `errors` maps each field to its message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        first = next(iter(errors.values()))
        super().__init__(first if len(errors) == 1 else f"{first}（共 {len(errors)} 处问题）")
        self.errors = dict(errors)


_ENTRY_ORDER = pq.ListOrder()


def row_view(row: PendingRow) -> RowView:
    return RowView(
        row.id,
        row.position,
        dict(row.data),
        dict(row.errors or {}),
        row.source,
        row.deleted_at is not None,
    )


class PendingStore:
    """The open 清册 of one business for one unit, as rows in the local store."""

    def __init__(
        self,
        store: Store,
        spec: BusinessSpec,
        unit_id: int,
        policy: Callable[[], CentrePolicy],
        today: Callable[[], date] = date.today,
        centre_check: CentreCheck | None = None,
        centre_fill: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None,
    ) -> None:
        self.store = store
        self.spec = spec
        self.unit_id = unit_id
        self._policy = policy
        self._today = today
        # What the centre knows and the local rules cannot (e.g. an account open elsewhere).
        self.centre_check = centre_check
        # Asked before a row typed in is stored, once its local rules pass: what only the centre
        # knows (内部转移: the 转出单位). Raises a KnownError (offline, refused): nothing stored.
        self.centre_fill = centre_fill

    def _open_list(self, session: Session) -> PendingList:
        found = session.scalar(
            select(PendingList).where(
                PendingList.unit_id == self.unit_id,
                PendingList.business == self.spec.code,
                PendingList.state == ListState.OPEN.value,
            )
        )
        if found is None:
            found = PendingList(
                unit_id=self.unit_id, business=self.spec.code, state=ListState.OPEN.value
            )
            session.add(found)
            session.flush()
        return found

    def _locked(self, session: Session) -> PendingList:
        """Take SQLite's write lock, then read the open list: what follows reads stays true.

        pysqlite opens the transaction at the first write; a no-op UPDATE of the unit makes
        that happen before the reads, so another writer (an import, a second window, the
        command line) waits until this transaction commits, and then sees its result — e.g. a
        list that was submitted meanwhile, so its rows go to the next list, not a sent one.
        """
        session.execute(update(Unit).where(Unit.id == self.unit_id).values(id=Unit.id))
        return self._open_list(session)

    def _live_rows(self, session: Session, plist: PendingList) -> list[PendingRow]:
        return list(
            session.scalars(
                select(PendingRow)
                .where(PendingRow.list_id == plist.id, PendingRow.deleted_at.is_(None))
                .order_by(PendingRow.position, PendingRow.id)
            )
        )

    def _live_count(self, session: Session, plist: PendingList) -> int:
        return (
            session.scalar(
                select(func.count())
                .select_from(PendingRow)
                .where(PendingRow.list_id == plist.id, PendingRow.deleted_at.is_(None))
            )
            or 0
        )

    @staticmethod
    def _delete_live(session: Session, plist: PendingList) -> None:
        """Soft-delete every live row of the list (Core: no ORM objects to synchronise)."""
        session.connection().execute(
            update(PendingRow)
            .where(PendingRow.list_id == plist.id, PendingRow.deleted_at.is_(None))
            .values(deleted_at=utcnow())
        )

    def _row(self, session: Session, row_id: int) -> PendingRow:
        self._locked(session)  # a 全部提交 running now finishes first; then the list is closed
        row = session.get(PendingRow, row_id)
        if (
            row is None
            or row.deleted_at is not None
            or row.pending_list.unit_id != self.unit_id
            or row.pending_list.business != self.spec.code
        ):
            raise BadInputError("该记录已不存在（可能已被删除或已提交）。")
        if row.pending_list.state != ListState.OPEN:
            raise BadInputError("该清册已经提交，不能再修改。")
        return row

    def context(self, session: Session, plist: PendingList | None = None) -> RowContext:
        return build_context(session, self.spec, self.unit_id, self._policy(), self._today(), plist)

    def few_rows_context(self, session: Session, plist: PendingList) -> RowContext:
        """The rules' context for a check of a few rows: the list's keys are asked of SQLite
        one at a time, not all read (100,000 of them in a big list: issue 12). Built by
        `context` (which a business may extend) with no list, then given the list's own."""
        base = self.context(session, None)
        keys = KeyLookup(session, self.spec, plist)
        return replace(base, pending_keys=keys, list_values=dict(plist.list_values or {}))

    def list_id(self) -> int:
        with self.store.session() as session:
            return self._open_list(session).id

    def rows(self) -> list[RowView]:
        """The open list's rows, read as plain columns (no ORM objects: 100,000 rows stay quick)."""
        with self.store.session() as session:
            plist = self._open_list(session)
            found = session.execute(
                select(
                    PendingRow.id,
                    PendingRow.position,
                    PendingRow.data,
                    PendingRow.errors,
                    PendingRow.source,
                )
                .where(PendingRow.list_id == plist.id, PendingRow.deleted_at.is_(None))
                .order_by(PendingRow.position, PendingRow.id)
            )
            return [
                RowView(row_id, position, data, errors or {}, source)
                for row_id, position, data, errors, source in found
            ]

    def summary(self, rows: list[RowView] | None = None) -> ListSummary:
        """Counts and totals of the list (of `rows` if the caller has just read them).

        Without `rows` SQLite adds them up: a 100,000-row list is never read for its totals.
        """
        if rows is None:
            with self.store.session() as session:
                plist = self._open_list(session)
                found = session.execute(pq.summary_query(self.spec, plist.id)).one()
                return pq.summary_of(self.spec, found)
        totals = {key: Decimal(0) for key in self.spec.totals}
        for row in rows:
            for key in self.spec.totals:
                try:
                    totals[key] += Decimal(row.values.get(key) or 0)
                except ArithmeticError:
                    continue  # a bad cell is flagged on the row; it just does not add up
        return ListSummary(len(rows), sum(1 for r in rows if r.errors), totals)

    # --- a big list, a screenful at a time (pending_query.py) ---------------------------------
    def index(self, order: pq.ListOrder = _ENTRY_ORDER, text: str = "") -> pq.ListIndex:
        """The ids of the rows matching `text` in `order`, each with its sort key, and the
        summary of the whole list: what a view needs before it shows any row."""
        with self.store.session() as session:
            plist = self._open_list(session)
            ids, keys = session.execute(pq.index_query(self.spec, plist.id, order, text)).one()
            summary = session.execute(pq.summary_query(self.spec, plist.id)).one()
        return pq.ListIndex(json.loads(ids), json.loads(keys), pq.summary_of(self.spec, summary))

    def count(self) -> int:
        """How many live rows the open list holds (read from an index: cheap at any size)."""
        with self.store.session() as session:
            return self._live_count(session, self._open_list(session))

    def rows_by_id(self, ids: Sequence[int]) -> dict[int, RowView]:
        """The live rows among `ids` (a screenful), by id (Core, no ORM session: read per
        screenful as the clerk scrolls)."""
        with self.store.engine.connect() as connection:
            found = connection.execute(
                select(*pq.ROW_COLUMNS).where(
                    PendingRow.id.in_(list(ids)), PendingRow.deleted_at.is_(None)
                )
            )
            return {row.id: row for row in pq.row_views(found)}

    def row(self, row_id: int) -> RowView | None:
        """One live row of this business's open list, or None if it is gone."""
        with self.store.session() as session:
            plist = self._open_list(session)
            found = session.execute(
                select(*pq.ROW_COLUMNS).where(
                    PendingRow.id == row_id,
                    PendingRow.list_id == plist.id,
                    PendingRow.deleted_at.is_(None),
                )
            )
            rows = pq.row_views(found)
            return rows[0] if rows else None

    def locate(
        self, row_id: int, order: pq.ListOrder = _ENTRY_ORDER, text: str = ""
    ) -> tuple[bool, Any] | None:
        """Whether a live row matches `text`, and its sort key in `order`; None if it is gone."""
        with self.store.session() as session:
            found = session.execute(pq.locate_query(self.spec, row_id, order, text)).first()
        return None if found is None else (bool(found[1]), found[0])

    def list_values(self) -> dict[str, str]:
        """The list-level values entered above the 清册 (field key -> text)."""
        with self.store.session() as session:
            return dict(self._open_list(session).list_values or {})

    @staticmethod
    def _insert_rows(session: Session, records: list[dict[str, Any]]) -> list[int]:
        """One executemany INSERT built by SQLAlchemy Core, in the session's transaction.

        The statement and every value's conversion come from the mapped table (columns and
        types are checked: a renamed column fails here, not in SQLite); the constant columns
        are converted once, and each row's JSON once, so 10,000 rows cost what SQLite's
        executemany costs — SQLAlchemy's per-row parameter handling took 3× as long. SQLite
        gives rowids in insertion order within this (single-writer) transaction, so the new
        ids are the ones above the largest before it.
        """
        if not records:
            return []
        connection = session.connection()
        sql, params = _insert_params(connection.dialect, records)
        before = session.scalar(select(func.max(PendingRow.id))) or 0
        connection.exec_driver_sql(sql, params)
        # Read on the connection: through the session each id went through the ORM's loading.
        # The new rows are live: the list's deleted rows (every file that replaced it left
        # its rows deleted) are not scanned.
        new = (
            PendingRow.list_id == records[0]["list_id"],
            PendingRow.deleted_at.is_(None),
            PendingRow.id > before,
        )
        count, first, last = connection.execute(
            select(func.count(), func.min(PendingRow.id), func.max(PendingRow.id)).where(*new)
        ).one()
        if count == len(records) and last - first + 1 == count:  # as SQLite gives them
            return list(range(first, last + 1))
        return list(
            connection.execute(select(PendingRow.id).where(*new).order_by(PendingRow.id)).scalars()
        )


# A row's JSON as `dump_json` writes it (JSONText's converter), by one encoder made once: per
# row, `json.dumps` with options builds an encoder, and the check for circular references is
# moot for a row's flat text values (a test compares the two texts).
_ROW_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str, check_circular=False)


# The columns a new pending row is inserted with (the rest keep their defaults: NULL).
_INSERTED = ("list_id", "position", "data", "errors", "source", "created_at", "updated_at")


def _insert_params(
    dialect: Dialect, records: list[dict[str, Any]]
) -> tuple[str, list[tuple[Any, ...]]]:
    """The INSERT's SQL and one parameter list per record, converted by the columns' types."""
    table = cast(Table, PendingRow.__table__)
    compiled = insert(table).compile(dialect=dialect, column_keys=list(_INSERTED))

    def converter(key: str) -> Callable[[Any], Any]:
        process = table.c[key].type.dialect_impl(dialect).bind_processor(dialect)
        return process if process is not None else (lambda value: value)

    order = list(compiled.positiontup or [])
    assert sorted(order) == sorted(_INSERTED), order  # qmark: SQLite's positional parameters
    now = converter("created_at")(utcnow())
    template: list[Any] = [None] * len(order)
    template[order.index("created_at")] = template[order.index("updated_at")] = now
    at = {key: order.index(key) for key in order}
    # The column's own converter if it ever stops being JSONText; the encoder made once if not.
    data_type = table.c["data"].type
    to_json = _ROW_JSON.encode if isinstance(data_type, JSONText) else converter("data")
    params: list[tuple[Any, ...]] = []
    for record in records:
        row = template.copy()
        row[at["list_id"]], row[at["position"]] = record["list_id"], record["position"]
        row[at["data"]], row[at["source"]] = to_json(record["data"]), record["source"]
        params.append(tuple(row))
    return str(compiled), params
