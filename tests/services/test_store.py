"""The local store: migrations with a copy first, refusal of newer databases, durability."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from app.errors import DatabaseTooNewError
from app.models import OutboxItem, RosterPerson, Unit
from app.services.store import Store, head_revision


def test_new_database_is_created_at_head_in_wal_mode(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "db.sqlite3")
    assert store.revision() == head_revision()
    with sqlite3.connect(tmp_path / "db.sqlite3") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()


def test_older_database_is_copied_then_upgraded_keeping_its_data(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    old = Store.open(path, target="0001")
    assert old.revision() == "0001"
    with sqlite3.connect(path) as conn:  # written with the old schema, not today's models
        conn.execute(
            "INSERT INTO units (code, name, roster_version, created_at) "
            "VALUES ('100001', '开封市示范单位', 0, '2026-01-01 00:00:00')"
        )
    old.close()

    store = Store.open(path)
    assert store.revision() == head_revision()
    with store.session() as session:
        assert session.scalars(select(Unit.name)).all() == ["开封市示范单位"]
    backups = list((tmp_path / "backups").glob("db-0001-*.sqlite3"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute("SELECT name FROM units").fetchall() == [("开封市示范单位",)]
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    store.close()


def test_database_from_a_newer_client_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    Store.open(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNewError, match="更新版本的客户端"):
        Store.open(path)
    assert path.read_bytes() == before


def test_money_round_trips_exactly(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "db.sqlite3")
    with store.session() as session:
        unit = Unit(code="100001", name="单位")
        session.add(unit)
        session.flush()
        session.add(
            RosterPerson(
                unit_id=unit.id,
                account_no="A1",
                name="张三",
                id_number="x",
                status="正常",
                base=Decimal("5000.10"),
                unit_ratio=Decimal("0.12"),
            )
        )
    with store.session() as session:
        person = session.scalars(select(RosterPerson)).one()
        assert person.base == Decimal("5000.10")
        assert str(person.unit_ratio) == "0.12"
    store.close()


CRASHER = """
import os, sys
from app.models import OutboxItem, Unit
from app.services.store import Store
store = Store.open(__import__('pathlib').Path(sys.argv[1]))
with store.session() as s:
    unit = Unit(code='100001', name='单位'); s.add(unit); s.flush()
    s.add(OutboxItem(unit_id=unit.id, business='seal', idempotency_key='k-committed', rows=[]))
s = store._sessions()
s.add(OutboxItem(unit_id=1, business='seal', idempotency_key='k-uncommitted', rows=[]))
s.flush()          # written to the WAL but never committed
os._exit(9)        # the process dies mid-transaction, as in a power cut or a kill
"""


def test_a_crash_mid_write_keeps_everything_committed(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    result = subprocess.run([sys.executable, "-c", CRASHER, str(path)], check=False)
    assert result.returncode == 9
    store = Store.open(path)
    with store.session() as session:
        keys = session.scalars(select(OutboxItem.idempotency_key)).all()
    assert keys == ["k-committed"]
    store.close()
