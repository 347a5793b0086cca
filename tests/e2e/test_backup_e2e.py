"""Backup → wipe → restore against a real fundserver: every pending row, attachment and outbox
item is back, and the outbox still sends each submission exactly once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from app import paths
from app.models import Attachment, OutboxItem, PendingRow
from app.services.attachments import AttachmentService
from app.services.backup import BackupService, restore
from app.services.businesses import SPECS
from app.services.context import AppServices
from app.services.engine.pending import PendingLists
from app.services.outbox import OutboxSync
from app.services.session import CentreSession
from tests.e2e import test_outbox_e2e
from tests.e2e.test_outbox_e2e import Clerk, on_server, submit_one
from tests.ids import resident_id

clerk = test_outbox_e2e.clerk  # the same logged-in clerk fixture

pytestmark = pytest.mark.e2e


def _reopened(before: Clerk) -> Clerk:
    services = AppServices.open()
    session = CentreSession(services)
    unit = services.units.current()
    assert unit is not None and unit.code == before.unit.code
    pending = PendingLists(
        services.store, SPECS["open-account"], unit.id, lambda: services.units.policy(unit.id)
    )
    outbox = OutboxSync(services.store, unit.id, lambda: session.client(unit))
    return Clerk(
        services, session, unit, pending, AttachmentService(services.store, unit.id), outbox
    )


def _contents(services: AppServices) -> tuple[list[str], list[str], dict[str, str]]:
    with services.store.session() as session:
        rows = sorted(r.data["name"] for r in session.scalars(select(PendingRow)))
        docs = sorted(a.sha256 for a in session.scalars(select(Attachment)))
        outbox = {o.idempotency_key: o.state for o in session.scalars(select(OutboxItem))}
    return rows, docs, outbox


def test_backup_wipe_restore_and_the_outbox_still_sends_each_once(
    clerk: Clerk, data_dir: Path, tmp_path: Path
) -> None:
    sent_before = submit_one(clerk, tmp_path, "欧阳晨", resident_id("41020319930412003"))
    assert clerk.outbox.sync().run.sent == 1
    queued = submit_one(clerk, tmp_path, "司马懿", resident_id("41020319880101002"))
    clerk.pending.add(
        {
            "name": "诸葛亮",
            "id_number": resident_id("41020319900303004"),
            "mobile": "13800138001",
            "base": "5200",
        }
    )
    backup = BackupService(clerk.services.store, clerk.services.settings).backup(
        tmp_path / "backup.gjjbak"
    )
    before = _contents(clerk.services)
    # After the backup the queued one is sent too; the restore will bring it back as queued.
    assert clerk.outbox.sync().run.sent == 1
    clerk.services.close()

    shutil.rmtree(data_dir)  # the PC's disk died
    restore(backup.path, paths.data_dir())
    again = _reopened(clerk)
    try:
        assert _contents(again.services) == before
        assert (data_dir / "units").exists()
        with again.services.store.session() as session:
            for doc in session.scalars(select(Attachment)):
                assert Path(doc.path).is_file() and Path(doc.path).is_relative_to(data_dir)

        report = again.outbox.sync()

        assert (report.run.sent, report.run.replayed) == (1, 1)  # the server knew its key
        assert len(on_server(again, f"outbox-{sent_before}")) == 1
        assert len(on_server(again, f"outbox-{queued}")) == 1
        assert again.outbox.sync().run.sent == 0
    finally:
        again.services.close()
