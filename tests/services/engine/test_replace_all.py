"""A file that replaces a 清册: the old rows deleted and the new ones added in one transaction."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.models import PendingRow
from app.services.context import AppServices
from app.services.engine.pending import PendingLists, RowInvalidError
from tests.ids import resident_id
from tests.open_account_list import open_account_list

TODAY = date(2026, 11, 26)
ZHANG = resident_id("41020319900101123")
LI = resident_id("41020519950615024")


@pytest.fixture
def pending(services: AppServices) -> PendingLists:
    return open_account_list(services, TODAY)


def person(name: str, id_number: str) -> dict[str, str]:
    return {"name": name, "id_number": id_number, "mobile": "13800138000", "base": "5000"}


def test_the_old_rows_go_and_the_new_ones_are_numbered_from_one(pending: PendingLists) -> None:
    old = pending.add_many([(person("张三", ZHANG), "a.xlsx 导入"), (person("李四", LI), "a")])
    # The same people again: not duplicates of the rows they replace.
    added = pending.replace_all([(person("李四", LI), "b.xlsx 导入"), (person("张三", ZHANG), "b")])
    assert added == 2
    rows = pending.rows()
    assert [(r.values["name"], r.position, r.source) for r in rows] == [
        ("李四", 1, "b.xlsx 导入"),
        ("张三", 2, "b"),
    ]
    with pending.store.session() as session:  # deleted as 删除 deletes: kept, marked
        deleted = session.scalars(select(PendingRow).where(PendingRow.deleted_at.is_not(None)))
        assert sorted(r.id for r in deleted) == sorted(r.id for r in old)


def test_a_refused_row_leaves_the_list_as_it_was(pending: PendingLists) -> None:
    pending.add(person("张三", ZHANG))
    before = pending.rows()
    with pytest.raises(RowInvalidError):  # the file holds 李四 twice
        pending.replace_all([(person("李四", LI), "b"), (person("李肆", LI), "b")])
    assert pending.rows() == before
