"""The 清册 as SQL for a big list (issue 12): order, filter, counts and totals in SQLite.

A view of 100,000 rows must not read them all into Python. It asks once for the *index* of the
list — the ids in the clerk's order and each one's sort key, with the counts and totals computed
by SQLite — and then only for the rows on screen (`rows_by_id`). When one row changes, `locate`
says whether it still matches the search and where its sort key puts it, so a view moves that
row alone instead of reading the list again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Float, Integer, Text, and_, case, cast, exists, func, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement

from app.models import PendingRow
from app.services.engine.spec import BusinessSpec, FieldKind

ERRORS_KEY = "__errors__"  # the 错误说明 column's "field" in a `ListOrder`
_NUMERIC = (FieldKind.MONEY, FieldKind.RATIO)


@dataclass(frozen=True)
class RowView:
    """A pending row as views and the command line see it."""

    id: int
    position: int
    values: dict[str, str]
    errors: dict[str, str]
    source: str | None
    deleted: bool = False


@dataclass(frozen=True)
class ListSummary:
    count: int
    with_errors: int
    totals: dict[str, Decimal]


@dataclass(frozen=True)
class ListOrder:
    """How the clerk sorted the 清册: by a field (or `ERRORS_KEY`), or entry order (None)."""

    key: str | None = None
    descending: bool = False


@dataclass(frozen=True)
class ListIndex:
    """The ids of the rows a view shows, in its order, each with its sort key."""

    ids: list[int]
    keys: list[Any]
    summary: ListSummary  # of the whole list, whatever the search shows


def _value(key: str) -> ColumnElement[Any]:
    return func.json_extract(PendingRow.data, f"$.{key}")


def has_errors() -> ColumnElement[bool]:
    # Compared as the stored text: the column's own type would turn "{}" into a JSON string.
    marks = cast(PendingRow.errors, Text)
    return and_(PendingRow.errors.is_not(None), marks.not_in(("{}", "null")))


def sort_expression(spec: BusinessSpec, order: ListOrder) -> ColumnElement[Any]:
    """The SQL sort key; Python compares what it returns the same way (numbers, or text by
    code point, as SQLite's BINARY collation does)."""
    if order.key is None:
        return PendingRow.position.expression
    if order.key == ERRORS_KEY:
        return func.coalesce(cast(PendingRow.errors, Text), "")
    if spec.field(order.key).kind in _NUMERIC:
        # A blank amount sorts first, as it did in the table's own sort.
        return func.coalesce(cast(_value(order.key), Float), -1.0)
    return func.coalesce(cast(_value(order.key), Text), "")


def search_condition(spec: BusinessSpec, text: str) -> ColumnElement[bool] | None:
    """Rows whose listed values (or error marks) contain `text`, any case; None: every row."""
    text = text.strip()
    if not text:
        return None
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    fields = [_value(f.key).like(pattern, escape="\\") for f in spec.list_fields()]
    error_text = func.json_each(PendingRow.errors).table_valued("value")
    marked = exists(
        select(1).select_from(error_text).where(error_text.c.value.like(pattern, escape="\\"))
    )
    return or_(*fields, and_(PendingRow.errors.is_not(None), marked))


def _cents(key: str) -> ColumnElement[Any]:
    """A stored amount (two decimals, see parse_money) as whole cents; text that is no number
    adds nothing, as a bad cell did in the Python sum."""
    value = cast(_value(key), Text)
    number = case(
        (func.trim(value).op("GLOB")("*[^0-9.]*"), 0),
        else_=cast(func.round(cast(value, Float) * 100), Integer),
    )
    return func.coalesce(func.sum(number), 0)


def summary_query(spec: BusinessSpec, list_id: int) -> Any:
    """Count, rows with errors and one total per `spec.totals`, in one aggregate SELECT."""
    return select(
        func.count(),
        func.coalesce(func.sum(case((has_errors(), 1), else_=0)), 0),
        *(_cents(key) for key in spec.totals),
    ).where(PendingRow.list_id == list_id, PendingRow.deleted_at.is_(None))


def summary_of(spec: BusinessSpec, found: Sequence[Any]) -> ListSummary:
    count, with_errors, *cents = found
    totals = {key: Decimal(int(c)) / 100 for key, c in zip(spec.totals, cents, strict=True)}
    return ListSummary(int(count), int(with_errors), totals)


def index_query(spec: BusinessSpec, list_id: int, order: ListOrder, text: str) -> Any:
    """The ids and sort keys of the matching rows in order, as two JSON arrays (one row).

    Two strings, not 100,000 row tuples: building those on a worker set off the garbage
    collector's full passes, and a pass holds the GIL — a frozen window (issue 12). SQLite's
    aggregates take the rows in the order the inner SELECT gives them.
    """
    key = sort_expression(spec, order).label("sort_key")
    query = select(PendingRow.id.label("row_id"), key).where(
        PendingRow.list_id == list_id, PendingRow.deleted_at.is_(None)
    )
    condition = search_condition(spec, text)
    if condition is not None:
        query = query.where(condition)
    if order.descending:
        query = query.order_by(key.desc(), PendingRow.id.desc())
    else:
        query = query.order_by(key, PendingRow.id)
    ordered = query.subquery()
    return select(
        func.json_group_array(ordered.c.row_id), func.json_group_array(ordered.c.sort_key)
    )


def locate_query(spec: BusinessSpec, row_id: int, order: ListOrder, text: str) -> Any:
    """One live row's sort key, and whether it matches the search (1) or not (0)."""
    condition = search_condition(spec, text)
    matches = case((condition, 1), else_=0) if condition is not None else literal(1)
    return select(sort_expression(spec, order), matches).where(
        PendingRow.id == row_id, PendingRow.deleted_at.is_(None)
    )


ROW_COLUMNS = (
    PendingRow.id,
    PendingRow.position,
    PendingRow.data,
    PendingRow.errors,
    PendingRow.source,
)


def row_views(found: Any) -> list[RowView]:
    return [
        RowView(row_id, position, data, errors or {}, source)
        for row_id, position, data, errors, source in found
    ]
