"""The 清册 in SQL (issue 12): order, search, counts and totals without reading every row."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from app.errors import BadInputError
from app.services.businesses import SPECS
from app.services.engine.pending import PendingLists, RowView
from app.services.engine.pending_query import ERRORS_KEY, ListOrder
from app.services.policy import load_default
from app.services.store import Store
from tests import big_pending

ROWS = 300


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> big_pending.BigPendingList:
    return big_pending.build(tmp_path_factory.mktemp("pending") / "db.sqlite3", ROWS)


@pytest.fixture
def pending(built: big_pending.BigPendingList, tmp_path: Path) -> Iterator[PendingLists]:
    big = big_pending.copy(built, tmp_path / "db.sqlite3")
    store = Store.open(big.path)
    yield PendingLists(store, SPECS["open-account"], big.unit_id, load_default)
    store.close()


def everything(pending: PendingLists) -> list[RowView]:
    return pending.rows()


def test_the_summary_is_added_up_by_sqlite_to_the_cent(
    pending: PendingLists, built: big_pending.BigPendingList
) -> None:
    summary = pending.summary()
    assert summary == pending.summary(everything(pending))  # the same as adding in Python
    assert summary.count == ROWS
    assert summary.with_errors == built.with_errors
    assert summary.totals["base"] == built.base_total
    assert isinstance(summary.totals["monthly_amount"], Decimal)


def test_the_index_is_the_list_in_entry_order_then_as_sorted(pending: PendingLists) -> None:
    rows = everything(pending)
    assert pending.index().ids == [r.id for r in rows]
    by_base = pending.index(ListOrder("base", descending=True))
    bases = [Decimal(r.values["base"]) for r in sorted(rows, key=lambda r: by_base.ids.index(r.id))]
    assert bases == sorted(bases, reverse=True)  # as numbers: 30,000.00 above 4,000.00
    by_name = pending.index(ListOrder("name"))
    names = [pending.rows_by_id([i])[i].values["name"] for i in by_name.ids]
    assert names == sorted(names)
    marked = pending.index(ListOrder(ERRORS_KEY, descending=True))
    assert pending.rows_by_id(marked.ids[:1])[marked.ids[0]].errors  # the marked rows first


def test_a_search_finds_any_listed_value_or_error_mark(pending: PendingLists) -> None:
    rows = everything(pending)
    target = rows[123]
    found = pending.index(text=target.values["id_number"][-8:])
    assert target.id in found.ids and len(found.ids) < ROWS
    assert found.summary.count == ROWS  # the summary is the whole list's
    marked = pending.index(text="手机号码")
    assert marked.ids == [r.id for r in rows if r.errors]
    assert pending.index(text="100%_").ids == []  # LIKE's wildcards are plain text here
    assert pending.index(text="x").ids == [
        r.id for r in rows if "X" in r.values["id_number"].upper()
    ]  # any case, and never a match on the stored keys' names ("id_number")


def test_locate_says_where_one_row_goes(pending: PendingLists) -> None:
    rows = everything(pending)
    assert pending.locate(rows[5].id) == (True, rows[5].position)
    matches, key = pending.locate(rows[5].id, ListOrder("base"), "no such text") or (None, None)
    assert matches is False and key == float(rows[5].values["base"])
    pending.delete_many([rows[5].id])
    assert pending.locate(rows[5].id) is None
    assert pending.row(rows[5].id) is None and pending.row(rows[6].id) == rows[6]


def test_many_rows_deleted_and_restored_at_once(pending: PendingLists) -> None:
    rows = everything(pending)
    chosen = [rows[1].id, rows[7].id, rows[8].id]
    removed = pending.delete_many(chosen)
    assert [r.id for r in removed] == chosen and removed[0].values == rows[1].values
    assert pending.summary().count == ROWS - 3
    restored = pending.undo_delete_many(chosen)
    assert [r.id for r in restored] == chosen
    assert pending.index().ids == [r.id for r in rows]


def test_deleting_a_row_that_is_gone_deletes_none(pending: PendingLists) -> None:
    rows = everything(pending)
    pending.delete_many([rows[2].id])
    with pytest.raises(BadInputError, match="已不存在"):
        pending.delete_many([rows[1].id, rows[2].id])
    assert pending.row(rows[1].id) is not None  # all or none
