"""Installing a newer version over 0.1.0 keeps the clerk's work: its database opens and migrates.

The database is written the way release 0.1.0 left it — its migrations (up to revision 0003) and
plain SQL in its schema, not today's models — and then opened by the current code's normal start
(`AppServices.open`), as the upgraded program does on first start. When a later migration is
added, this test is what proves it keeps a 0.1.0 clerk's data.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from app.services.businesses import SPECS
from app.services.context import AppServices
from app.services.engine.pending import PendingLists
from app.services.outbox import CentreApi, OutboxSync
from app.services.store import Store, head_revision

RELEASE_0_1_0_REVISION = "0003"  # the schema the 0.1.0 setup program installs
ROW = {"name": "欧阳晨", "id_number": "410203199304120031", "mobile": "13800138000", "base": "5200"}


def database_of_release_0_1_0(path: Path, scan: Path) -> None:
    Store.open(path, target=RELEASE_0_1_0_REVISION).close()
    at = "2026-11-20 09:30:00"
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO units (id, code, name, server_url, roster_version, created_at, "
            "submissions_version, last_synced_at) VALUES (1, '100001', '开封示范科技有限公司', "
            "'https://centre.example', 42, ?, 7, ?)",
            (at, at),
        )
        db.execute(
            "INSERT INTO pending_lists (id, unit_id, business, state, created_at) "
            "VALUES (1, 1, 'open-account', 'open', ?)",
            (at,),
        )
        db.execute(
            "INSERT INTO pending_rows (list_id, position, data, errors, source, created_at, "
            "updated_at) VALUES (1, 1, ?, '{}', '单笔录入', ?, ?)",
            (json.dumps(ROW, ensure_ascii=False), at, at),
        )
        db.execute(
            "INSERT INTO attachments (id, unit_id, business, material, list_id, path, sha256, "
            "size, page_count, created_at) VALUES (1, 1, 'open-account', '身份证复印件', 1, ?, "
            "?, 11, 1, ?)",
            (str(scan), "ab" * 32, at),
        )
        db.execute(
            "INSERT INTO outbox (unit_id, business, idempotency_key, rows, attachment_ids, state, "
            "attempts, created_at, updated_at) VALUES (1, 'open-account', 'key-from-0.1.0', ?, "
            "'[1]', 'queued', 2, ?, ?)",
            (json.dumps([ROW], ensure_ascii=False), at, at),
        )
        db.execute(
            "INSERT INTO audit_log (unit_id, at, action, business) VALUES (1, ?, 'login', NULL)",
            (at,),
        )


def _no_centre() -> CentreApi:
    raise AssertionError("reading the outbox must not contact the centre")


def test_a_database_of_release_0_1_0_opens_in_this_version_with_its_work(
    data_dir: Path, tmp_path: Path
) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 x")
    database = data_dir / "gjj-desk.sqlite3"  # where 0.1.0 kept it: the same data folder
    data_dir.mkdir(parents=True, exist_ok=True)
    database_of_release_0_1_0(database, scan)

    services = AppServices.open()  # the upgraded program's first start
    try:
        assert services.store.path == database
        assert services.store.revision() == head_revision()
        unit = services.units.get("100001")
        assert unit is not None and unit.name == "开封示范科技有限公司"
        pending = PendingLists(
            services.store, SPECS["open-account"], unit.id, lambda: services.units.policy(unit.id)
        )
        assert [row.values["name"] for row in pending.rows()] == ["欧阳晨"]
        [held] = OutboxSync(services.store, unit.id, _no_centre).items()
        assert (held.state_label, held.attempts) == ("待上传", 2)
        assert services.units.outbox_count(unit.id) == 1
    finally:
        services.close()
    # A real upgrade copies the 0.1.0 file to backups/ first; at the same revision nothing moves.
    copies = list(data_dir.glob(f"backups/gjj-desk-{RELEASE_0_1_0_REVISION}-*.sqlite3"))
    assert len(copies) == (0 if head_revision() == RELEASE_0_1_0_REVISION else 1)
