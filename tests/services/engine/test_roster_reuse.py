"""The rules' context reads the unit's roster again only when it changed (issue 12: a file's
import built its context twice, reading and indexing every person each time)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import update

from app.models import RosterPerson
from app.services.context import AppServices
from app.services.engine import row_context
from app.services.engine.pending import PendingLists, RowInvalidError
from app.services.roster_entry import RosterEntry
from tests.ids import resident_id
from tests.open_account_list import open_account_list
from tests.people import seed_roster

TODAY = date(2026, 11, 26)
LI = resident_id("41020519950615024")
WANG = resident_id("41020319880808001")


@pytest.fixture
def pending(services: AppServices) -> PendingLists:
    found = open_account_list(services, TODAY)
    seed_roster(
        services, found.unit_id, (RosterEntry("4100001", "李四", "居民身份证", LI, "正常"),)
    )
    return found


def new_hire(name: str, id_number: str) -> dict[str, str]:
    return {"name": name, "id_number": id_number, "mobile": "13800138000", "base": "5000"}


def test_an_unchanged_roster_is_not_read_again(
    pending: PendingLists, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = pending.snapshot()

    def read(*_args: object, **_kwargs: object) -> list[object]:
        raise AssertionError("the unchanged roster was read again")

    monkeypatch.setattr(row_context, "roster_entries", read)
    again = pending.snapshot()

    assert again.roster is first.roster
    with pytest.raises(RowInvalidError) as refused:  # and it still judges as it did
        pending.add(new_hire("李四", LI))
    assert "已在本单位开户（个人账号 4100001" in refused.value.errors["id_number"]


@pytest.mark.parametrize(
    "change",
    [
        {"status": "封存"},  # what a sync brings: a person's state,
        {"base": Decimal("6000.00")},  # their base,
        {"id_number": WANG},  # a corrected ID number
    ],
)
def test_any_change_to_the_roster_is_seen(
    pending: PendingLists, services: AppServices, change: dict[str, object]
) -> None:
    before = pending.snapshot().roster
    with services.store.session() as session:
        session.execute(
            update(RosterPerson).where(RosterPerson.unit_id == pending.unit_id).values(**change)
        )

    after = pending.snapshot().roster

    assert after is not before
    person = after.find_account("4100001")
    assert person is not None
    for key, value in change.items():
        assert getattr(person, key) == value


def test_a_person_added_by_a_sync_is_seen(pending: PendingLists, services: AppServices) -> None:
    pending.snapshot()
    seed_roster(
        services, pending.unit_id, (RosterEntry("4100002", "王五", "居民身份证", WANG, "正常"),)
    )

    with pytest.raises(RowInvalidError) as refused:
        pending.add(new_hire("王五", WANG))

    assert "王五已在本单位开户（个人账号 4100002" in refused.value.errors["id_number"]


def test_the_rosters_of_a_few_units_are_kept(services: AppServices) -> None:
    units = [services.units.add(f"10000{n}", f"单位{n}").id for n in range(6)]
    with services.store.session() as session:
        first = [row_context.unit_roster(session, unit) for unit in units]
        assert row_context.unit_roster(session, units[-1]) is first[-1]
        again = row_context.unit_roster(session, units[0])  # read five units ago: read again

    assert again is not first[0]
    assert len(row_context._ROSTERS) == row_context._ROSTERS_KEPT
