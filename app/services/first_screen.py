"""What the window's first screen shows, read with plain sqlite3 (issue 12).

The home page and the status bar show the current unit: its name and code, the people in the
cached roster, the submissions waiting to be sent, the unit's profile and the policy in force.
Reading them needs neither SQLAlchemy nor the models (≈0.3–0.5 s to import here), so the window
shows the unit while the store proper (`Store.open`, migrations, the pages' services) is still
being opened. Only a database already at the code's revision is read this way; a missing, empty
or older one waits for `Store.open`, which makes or upgrades it. `UnitService` reads the same
facts through the store (tests/services/test_first_screen.py checks that they agree).
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.services.engine.states import WAITING_UPLOAD
from app.services.policy import DEFAULT_POLICY_PATH, CentrePolicy, load_default

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parents[1] / "models" / "migrations"
_REVISION_LINE = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.M)
_QUOTED = re.compile(r"[\"']([^\"']+)[\"']")


@dataclass(frozen=True)
class UnitInfo:
    id: int
    code: str
    name: str
    server_url: str | None


@dataclass(frozen=True)
class FirstScreen:
    """The units, the current one and what the home page and the status bar say of it."""

    units: list[UnitInfo]
    current: UnitInfo | None
    people: int = 0  # in the cached roster
    waiting: int = 0  # submissions the centre does not have yet
    profile: dict[str, Any] = field(default_factory=dict)
    centre_name: str = ""  # the policy's (the whole policy is not read for the first screen)
    policy_from_centre: bool = False  # the server's copy, not the bundled default


def code_head() -> str | None:
    """The code's head revision, read from the migration files' `revision = "…"` lines without
    Alembic; None when they do not name exactly one head (Alembic then decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        for name, value in _REVISION_LINE.findall(script.read_text(encoding="utf-8")):
            found = set(_QUOTED.findall(value))
            if name == "revision":
                revisions |= found
            else:
                parents |= found
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def policy_of(cached: Mapping[str, Any] | None) -> CentrePolicy:
    """The policy in force: the server's copy kept with the unit, else the bundled default."""
    if cached:
        return CentrePolicy.from_dict(cached, source="server")
    return load_default()


def read_first_screen(database: Path, current_code: str | None) -> FirstScreen | None:
    """The first screen's facts; None when the store must be opened first (no database, not at
    the code's revision) or the file cannot be read this way (`Store.open` then says why)."""
    if not database.is_file() or database.stat().st_size == 0:
        return None
    try:
        # mode=rw: never creates a file; nothing is written.
        conn = sqlite3.connect(f"{database.as_uri()}?mode=rw", uri=True)
    except sqlite3.Error:
        return None
    try:
        conn.execute("PRAGMA busy_timeout=5000")
        if database_revision(conn) != code_head():
            return None
        return _read(conn, current_code)
    except Exception:  # noqa: BLE001 - only a head start: Store.open reads (and reports) it all
        logger.warning("first screen not read from %s", database, exc_info=True)
        return None
    finally:
        conn.close()


def database_revision(conn: sqlite3.Connection) -> str | None:
    """The revision recorded in the database (Alembic's table, read with plain SQL)."""
    table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    if table is None:
        return None
    row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return None if row is None else str(row[0])


def _read(conn: sqlite3.Connection, current_code: str | None) -> FirstScreen:
    rows = conn.execute("SELECT id, code, name, server_url FROM units ORDER BY code").fetchall()
    units = [UnitInfo(int(i), str(code), str(name), url) for i, code, name, url in rows]
    # As UnitService.current: the unit last worked on, else the first there is.
    current = next((u for u in units if u.code == current_code), units[0] if units else None)
    if current is None:
        return FirstScreen(units, None)
    profile, policy = conn.execute(
        "SELECT profile, policy FROM units WHERE id = ?", (current.id,)
    ).fetchone()
    people = conn.execute(
        "SELECT count(*) FROM roster_persons WHERE unit_id = ?", (current.id,)
    ).fetchone()[0]
    states = [state.value for state in WAITING_UPLOAD]
    marks = ",".join("?" * len(states))
    waiting = conn.execute(
        f"SELECT count(*) FROM outbox WHERE unit_id = ? AND state IN ({marks})",  # noqa: S608
        (current.id, *states),
    ).fetchone()[0]
    return FirstScreen(
        units,
        current,
        people=int(people),
        waiting=int(waiting),
        profile=dict(json.loads(profile) if profile else {}),
        **_centre_of(json.loads(policy) if policy else None),
    )


def _centre_of(cached: Mapping[str, Any] | None) -> dict[str, Any]:
    """The policy's centre and where it came from, as `policy_of` would say, without reading
    (and checking) the whole policy: that is the store's job, once it is open."""
    if cached:
        return {"centre_name": str(cached["centre_name"]), "policy_from_centre": True}
    default = json.loads(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))
    return {"centre_name": str(default["centre_name"]), "policy_from_centre": False}
