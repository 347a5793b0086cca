"""The window's first screen, read with plain sqlite3, says what the store's services say."""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from app import paths
from app.models import OutboxItem, RosterPerson
from app.services.context import AppServices
from app.services.first_screen import read_first_screen
from app.services.policy import load_default


def _roster_person(unit_id: int, n: int) -> RosterPerson:
    return RosterPerson(
        unit_id=unit_id,
        account_no=f"A{n}",
        name=f"职工{n}",
        id_number=f"x{n}",
        status="正常",
        base=Decimal("5000.00"),
        unit_ratio=Decimal("0.12"),
    )


def _queue(services: AppServices, unit_id: int, state: str) -> None:
    with services.store.session() as session:
        session.add(
            OutboxItem(
                unit_id=unit_id,
                business="open-account",
                idempotency_key=uuid.uuid4().hex,
                rows=[],
                state=state,
            )
        )


def test_the_first_screen_shows_what_the_services_show(services: AppServices) -> None:
    other = services.units.add("200002", "开封市第二单位").id
    unit = services.units.add("100001", "开封市示范机械厂")
    services.units.switch("100001")
    with services.store.session() as session:
        session.add_all([_roster_person(unit.id, n) for n in range(3)])
        session.add(_roster_person(other, 9))
    for state in ("queued", "sending", "failed", "sent", "queued"):
        _queue(services, unit.id, state)
    _queue(services, other, "queued")
    policy = replace(load_default(), centre_name="测试中心", source="server")
    services.units.cache_profile(unit.id, {"paid_to": "202605", "unit_ratio": "0.12"}, policy)

    screen = read_first_screen(paths.database_path(), "100001")

    assert screen is not None
    assert screen.units == services.units.list()
    assert screen.current == services.units.current() == unit
    assert screen.people == 3
    assert screen.waiting == services.units.outbox_count(unit.id) == 4
    assert screen.profile == services.units.profile(unit.id)
    assert screen.centre_name == services.units.policy(unit.id).centre_name == "测试中心"
    assert screen.policy_from_centre


def test_the_first_unit_when_none_was_current_and_none_without_units(
    services: AppServices,
) -> None:
    database = paths.database_path()
    empty = read_first_screen(database, None)
    assert empty is not None and empty.units == [] and empty.current is None

    services.units.add("300003", "第三单位")
    services.units.add("100001", "第一单位")

    screen = read_first_screen(database, "no-such-unit")

    assert screen is not None and screen.current is not None
    assert screen.current.code == "100001"  # as UnitService.current: the first by code
    assert not screen.policy_from_centre
    assert screen.centre_name == services.units.policy(None).centre_name  # the bundled one


def test_no_first_screen_before_the_store_has_made_or_upgraded_the_database(
    tmp_path: Path, services: AppServices
) -> None:
    assert read_first_screen(tmp_path / "missing.sqlite3", None) is None
    assert not (tmp_path / "missing.sqlite3").exists()  # and nothing was made
    (tmp_path / "empty.sqlite3").touch()
    assert read_first_screen(tmp_path / "empty.sqlite3", None) is None
    database = paths.database_path()
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0001_old'")
    assert read_first_screen(database, None) is None  # Store.open upgrades it first
    (tmp_path / "garbage.sqlite3").write_bytes(b"not a database at all" * 100)
    assert read_first_screen(tmp_path / "garbage.sqlite3", None) is None
