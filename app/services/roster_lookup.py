"""Roster lookups at index speed: SQL statements built once, rows straight into `RosterEntry`.

Each lookup is one or a few index-backed statements over one pooled connection, no ORM session
and no ORM objects: an exact 证件号码 lookup in a 100,000-person roster takes well under a
millisecond. The last 4–6 characters of an ID number are found through an index on the
*reversed* last six characters (`SUFFIX_SQL`, migration 0004), which turns "ends with" into a
prefix range; only "name contains" still scans the unit's rows inside SQLite, and that runs off
the UI thread (the lookup field throttles it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Engine,
    Select,
    bindparam,
    literal_column,
    select,
)

from app.models import RosterPerson
from app.services.engine.spec import RosterEntry

# Above every character a name or number holds: the upper end of a prefix range.
PREFIX_END = "\U0010ffff"
SUFFIX_WIDTH = 6
# The last six characters of the ID number, last first. The index of migration 0004 is on
# exactly this expression (SQLite uses an expression index only for the same text, with
# literals, not parameters): keep the two identical.
SUFFIX_SQL = "||".join(f"substr(id_number, -{n}, 1)" for n in range(1, SUFFIX_WIDTH + 1))
SUFFIX_INDEX = "ix_roster_unit_id_suffix"

_T = RosterPerson.__table__.c
# In `RosterEntry`'s field order.
_ENTRY = (
    _T.account_no,
    _T.name,
    _T.id_type,
    _T.id_number,
    _T.status,
    _T.base,
    _T.unit_ratio,
    _T.personal_ratio,
    _T.monthly_amount,
    _T.paid_to,
)
_SUFFIX: ColumnElement[str] = literal_column(SUFFIX_SQL)
_UNIT: BindParameter[int] = bindparam("unit")


def _persons(*where: ColumnElement[bool]) -> Select[Any]:
    return select(*_ENTRY).where(_T.unit_id == _UNIT, *where)


def _range(column: Any) -> ColumnElement[bool]:
    # A range, not LIKE: SQLite uses the (unit_id, column) index for it with binary collation.
    result: ColumnElement[bool] = (column >= bindparam("low")) & (column < bindparam("high"))
    return result


# No ORDER BY on exact lookups: with one, SQLite may walk the (unit, 个人账号) index in order
# over the whole unit instead of seeking the key's own index (measured: 100 ms instead of
# 0.1 ms on 100,000 people). The few rows found are sorted in Python.
EXACT = {
    "name": _persons(_T.name == bindparam("value")),
    "account_no": _persons(_T.account_no == bindparam("value")),
    "id_number": _persons(_T.id_number.in_(bindparam("values", expanding=True))),
    "id_suffix": _persons(_range(_SUFFIX)),
}
_LIMIT: BindParameter[int] = bindparam("limit")
PREFIX = {
    "name": _persons(_range(_T.name)).order_by(_T.name).limit(_LIMIT),
    "account_no": _persons(_range(_T.account_no)).order_by(_T.account_no).limit(_LIMIT),
    "id_number": _persons(_range(_T.id_number)).order_by(_T.id_number).limit(_LIMIT),
    "id_suffix": _persons(_range(_SUFFIX)).order_by(_SUFFIX).limit(_LIMIT),
}
NAME_CONTAINS = (
    _persons(_T.name.like(bindparam("pattern"), escape="/")).order_by(_T.name).limit(_LIMIT)
)


def contains_pattern(text: str) -> str:
    """A LIKE pattern (escape character /) for 'contains `text`', its wildcards taken literally."""
    escaped = text.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def reverse_suffix(ending: str) -> str:
    """What `SUFFIX_SQL` starts with for an ID number ending in `ending` (≤ 6 characters)."""
    return ending[::-1]


def entries(connection: Connection, statement: Select[Any], **params: Any) -> list[RosterEntry]:
    return [RosterEntry(*row) for row in connection.execute(statement, params)]


def _by_account(found: list[RosterEntry]) -> list[RosterEntry]:
    return sorted(found, key=lambda e: e.account_no)


class RosterIndex:
    """One unit's roster through its indexes; any thread (each call takes a pooled connection)."""

    def __init__(self, engine: Engine, unit_id: int) -> None:
        self.engine = engine
        self.unit_id = unit_id

    def exact(self, key: str, value: str | Sequence[str]) -> list[RosterEntry]:
        """Everyone whose 姓名 / 个人账号 equals `value`, or whose 证件号码 is one of `value`."""
        params: dict[str, Any] = {"unit": self.unit_id}
        if key == "id_number":
            params["values"] = list(value)
        else:
            params["value"] = value
        with self.engine.connect() as connection:
            return _by_account(entries(connection, EXACT[key], **params))

    def id_ending(self, ending: str) -> list[RosterEntry]:
        """Everyone whose 证件号码 ends with `ending` (4–6 characters), by 个人账号."""
        with self.engine.connect() as connection:
            found = entries(connection, EXACT["id_suffix"], **self._range(reverse_suffix(ending)))
        return _by_account(found)

    def prefixed(
        self, queries: Sequence[tuple[str, str]], contains_name: str | None, limit: int
    ) -> list[list[RosterEntry]]:
        """For each (column, text): up to `limit` people whose column starts with the text
        ("id_suffix": whose ID number ends with it); then, if given, whose name contains it."""
        found = []
        with self.engine.connect() as connection:
            for column, text in queries:
                low = reverse_suffix(text) if column == "id_suffix" else text
                params = {**self._range(low), "limit": limit}
                found.append(entries(connection, PREFIX[column], **params))
            if contains_name:
                params = {
                    "unit": self.unit_id,
                    "pattern": contains_pattern(contains_name),
                    "limit": limit,
                }
                found.append(entries(connection, NAME_CONTAINS, **params))
        return found

    def _range(self, low: str) -> dict[str, Any]:
        return {"unit": self.unit_id, "low": low, "high": low + PREFIX_END}
