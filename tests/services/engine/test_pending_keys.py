"""The duplicate-ID check of one 添加/修改/撤销删除 asks SQLite for that key alone (issue 12).

A 100,000-row list's keys were read in full for every such change; now a check of a few rows
looks each key up by an index, and a bigger batch (an import) still reads them once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import text

from app.errors import BadInputError
from app.services.businesses import open_account
from app.services.context import AppServices
from app.services.engine import row_context
from app.services.engine.pending import PendingLists, RowInvalidError, RowView
from app.services.engine.pending_edit import FEW_ROWS
from app.services.engine.row_context import key_holders_query, keys_changed
from app.services.engine.spec import RowContext, UnitTerms
from app.services.policy import load_default
from app.services.roster_entry import Roster
from tests.ids import resident_id
from tests.open_account_list import open_account_list

TODAY = date(2026, 11, 26)
NAMES = "甲乙丙丁戊己庚辛壬癸"
ZHANG = resident_id("41020319900101123")
LI = resident_id("41020519950615024")
WANG = resident_id("41020319880808001")


@pytest.fixture
def pending(services: AppServices) -> PendingLists:
    return open_account_list(services, TODAY)


@pytest.fixture
def no_full_read(monkeypatch: pytest.MonkeyPatch) -> None:
    def every_key(*_args: Any) -> dict[str, int]:
        raise AssertionError("the list's keys were all read for a one-row check")

    monkeypatch.setattr(row_context, "pending_keys", every_key)


def person(name: str, id_number: str, base: str = "5000") -> dict[str, str]:
    return {"name": name, "id_number": id_number, "mobile": "13800138000", "base": base}


@pytest.mark.usefixtures("no_full_read")
def test_one_row_changes_find_duplicates_without_reading_every_key(
    pending: PendingLists,
) -> None:
    zhang = pending.add(person("张三", ZHANG))
    li = pending.add(person("李四", LI))

    with pytest.raises(RowInvalidError) as refused:  # the same ID, typed in lower case
        pending.add(person("张叁", ZHANG.lower()))
    assert refused.value.errors["id_number"] == f"证件号码 {ZHANG.lower()} 已在待开户清册中"
    with pytest.raises(RowInvalidError):  # 修改 onto another row's ID
        pending.update(li.id, person("李四", ZHANG))
    assert pending.update(li.id, person("李四", LI, "6000")).values["base"] == "6000.00"

    removed = pending.delete_many([zhang.id])
    pending.add(person("张三", ZHANG))  # typed again after the delete
    with pytest.raises(BadInputError, match="已重新录入"):
        pending.undo_delete_many([r.id for r in removed])
    assert sorted(r.values["name"] for r in pending.rows()) == ["张三", "李四"]


def test_a_big_batch_reads_the_keys_once(
    pending: PendingLists, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[int] = []
    every_key = row_context.pending_keys

    def counted(*args: Any) -> dict[str, int]:
        reads.append(1)
        return every_key(*args)

    monkeypatch.setattr(row_context, "pending_keys", counted)
    pending.add(person("张三", ZHANG))
    rows = [
        (
            person(
                "职工" + NAMES[n % 10] + NAMES[n // 10], resident_id(f"41020319900101{n + 200:03d}")
            ),
            "导入",
        )
        for n in range(FEW_ROWS + 1)
    ]
    rows.append((person("张三", ZHANG), "导入"))
    with pytest.raises(RowInvalidError):  # the one already in the list
        pending.add_many(rows)
    assert reads == [1]
    assert len(pending.add_many(rows[:-1])) == FEW_ROWS + 1


def test_the_key_lookup_reads_the_index(pending: PendingLists) -> None:
    pending.add(person("张三", ZHANG))
    query = key_holders_query(open_account.SPEC, pending.list_id(), ZHANG)
    with pending.store.engine.connect() as connection:
        compiled = query.compile(connection, compile_kwargs={"literal_binds": True})
        plan = connection.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    assert any("ix_pending_rows_live_id_number" in str(step) for step in plan), plan


def test_a_views_keys_follow_rows_removed_and_added() -> None:
    ctx = RowContext(
        policy=load_default(),
        unit=UnitTerms(),
        roster=Roster([]),
        today=TODAY,
        pending_keys={ZHANG: 1, LI: 2},
    )
    spec = open_account.SPEC

    def view(row_id: int, id_number: str) -> RowView:
        return RowView(row_id, row_id, {"id_number": id_number.lower()}, {}, None)

    keys_changed(spec, ctx, removed=[view(1, ZHANG)], added=[view(3, WANG)])
    assert ctx.pending_keys == {LI: 2, WANG.upper(): 3}
    keys_changed(spec, ctx, removed=[view(9, LI)], added=[view(4, LI)])  # not the holder
    assert ctx.pending_keys == {LI: 2, WANG.upper(): 3}
