"""Lookups through the roster's indexes: the ID-ending index of migration 0004, and exact keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from app.services.context import AppServices
from app.services.roster import LookupKey, LookupState, RosterService
from app.services.roster_lookup import SUFFIX_INDEX
from app.services.store import Store
from tests.big_roster import BigRoster, build


@pytest.fixture(scope="module")
def roster_file(tmp_path_factory: pytest.TempPathFactory) -> BigRoster:
    return build(tmp_path_factory.mktemp("roster") / "db.sqlite3", count=3000)


@pytest.fixture
def roster(roster_file: BigRoster) -> Any:
    store = Store.open(roster_file.path)
    yield RosterService(store, roster_file.unit_id)
    store.close()


def plans(roster: RosterService, call: Any) -> list[str]:
    """The query plans of the statements `call` runs against the roster."""
    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if "roster_persons" in statement and not statement.startswith("EXPLAIN"):
            statements.append((statement, params))

    engine = roster.store.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    with engine.connect() as conn:
        return [
            " ".join(str(r[3]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + s, p))
            for s, p in statements
        ]


def test_the_last_digits_of_an_id_are_found_through_the_id_ending_index(
    roster: RosterService, roster_file: BigRoster
) -> None:
    number = roster_file.id_numbers[1234]

    found = plans(roster, lambda: roster.resolve(number[-6:], LookupKey.ID_NUMBER))

    result = roster.resolve(number[-6:], LookupKey.ID_NUMBER)
    assert "00001234" in [p.account_no for p in result.persons]
    assert all(p.id_number.endswith(number[-6:]) for p in result.persons)
    # The exact ID first (its own index), then the ending: an index range, never a scan.
    assert len(found) == 2 and SUFFIX_INDEX in found[1], found
    assert all(plan.startswith("SEARCH") for plan in found), found


@pytest.mark.parametrize("width", [4, 5, 6])
def test_suggestions_for_the_last_digits_use_the_index_and_all_end_so(
    roster: RosterService, roster_file: BigRoster, width: int
) -> None:
    ending = roster_file.id_numbers[77][-width:]

    found = plans(roster, lambda: roster.search(ending))

    suggested = roster.search(ending)
    assert "00000077" in [p.account_no for p in suggested]
    by_ending = [p for p in suggested if p.id_number.endswith(ending)]
    assert len(by_ending) == len(
        [i for i in roster_file.id_numbers if i.endswith(ending)][: len(by_ending)]
    )
    assert any(SUFFIX_INDEX in plan for plan in found), found
    assert not any("SCAN" in plan for plan in found), found


def test_exact_lookups_seek_their_own_index(roster: RosterService, roster_file: BigRoster) -> None:
    number = roster_file.id_numbers[2999]

    found = plans(roster, lambda: roster.resolve(number, LookupKey.ID_NUMBER))

    assert roster.resolve(number, LookupKey.ID_NUMBER).person is not None
    assert found == [found[0]] and "ix_roster_unit_id_number" in found[0], found
    assert roster.resolve("00002999", LookupKey.ACCOUNT_NO).state is LookupState.ONE


def test_an_id_ending_matches_short_numbers_of_other_id_types(services: AppServices) -> None:
    unit = services.units.add("100002", "开封市另一单位")
    roster = RosterService(services.store, unit.id)
    passport = {"account_no": "P0001", "name": "约翰", "id_type": "护照", "id_number": "E12345"}
    short = {"account_no": "P0002", "name": "玛丽", "id_type": "护照", "id_number": "K2345"}
    roster.apply_page([passport, short], 2)

    assert [p.account_no for p in roster.resolve("2345", LookupKey.ID_NUMBER).persons] == [
        "P0001",
        "P0002",
    ]
    assert [p.account_no for p in roster.search("12345")] == ["P0001"]


def test_a_database_of_the_previous_schema_gets_the_index_on_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    Store.open(path, target="0003").close()

    store = Store.open(path)
    with store.engine.connect() as conn:
        indexes = conn.exec_driver_sql("PRAGMA index_list(roster_persons)").all()
    store.close()

    assert SUFFIX_INDEX in [row[1] for row in indexes]
