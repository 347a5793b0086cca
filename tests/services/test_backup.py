"""Backup and restore: one file, checked before anything is touched, restored into a second
data folder with every pending row, attachment and outbox item, and what it replaced kept."""

from __future__ import annotations

import json
import shutil
import stat
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select

from app import paths
from app.errors import BadInputError, DatabaseTooNewError
from app.models import Attachment, OutboxItem, PendingRow, Unit
from app.services.attachments import AttachmentService
from app.services.backup import (
    LAST_BACKUP_KEY,
    REMINDER_DAYS_KEY,
    BackupService,
    inspect,
    restore,
)
from app.services.businesses import SPECS
from app.services.context import AppServices
from app.services.engine.pending import PendingLists
from tests.ids import resident_id

ID_CARD = "身份证复印件"


def _png(path: Path, colour: str) -> Path:
    Image.new("RGB", (300, 200), colour).save(path)
    return path


def _fill(services: AppServices, tmp_path: Path) -> None:
    """A unit with one submission in the outbox and one row still pending, both with scans."""
    unit = services.units.add("100001", "开封市示范机械厂")
    with services.store.session() as session:
        session.get_one(Unit, unit.id).profile = {"unit_ratio": "0.12", "personal_ratio": "0.12"}
    pending = PendingLists(
        services.store, SPECS["open-account"], unit.id, lambda: services.units.policy(unit.id)
    )
    attachments = AttachmentService(services.store, unit.id)
    policy = services.units.policy(unit.id)
    for n, (name, colour) in enumerate((("欧阳晨", "white"), ("李四", "grey"))):
        pending.add(
            {
                "name": name,
                "id_number": resident_id(f"4102031993041200{n}"),
                "mobile": "13800138000",
                "base": "5200",
            }
        )
        pages = attachments.pages_of(pending.list_id(), ID_CARD)
        pages.import_files([_png(tmp_path / f"{name}.png", colour)])
        attachments.build("open-account", pending.list_id(), ID_CARD, policy)
        if n == 0:
            pending.submit()


def _state(store_services: AppServices) -> dict[str, Any]:
    with store_services.store.session() as session:
        rows = sorted(r.data["name"] for r in session.scalars(select(PendingRow)))
        docs = [(a.material, a.sha256, Path(a.path)) for a in session.scalars(select(Attachment))]
        outbox = [(o.idempotency_key, o.state) for o in session.scalars(select(OutboxItem))]
    return {"rows": rows, "documents": docs, "outbox": outbox}


def test_backup_then_restore_into_a_second_folder_brings_everything_back(
    services: AppServices, data_dir: Path, tmp_path: Path
) -> None:
    _fill(services, tmp_path)
    before = _state(services)
    backup = BackupService(services.store, services.settings).backup(tmp_path / "b.gjjbak")
    services.close()
    assert backup.files >= 4  # two originals and two PDFs at least

    second = tmp_path / "second"
    result = restore(backup.path, second)

    assert result.replaced is None  # the second folder was empty
    paths.set_data_dir(second)
    again = AppServices.open()
    try:
        after = _state(again)
    finally:
        again.close()
    assert after["rows"] == before["rows"] and after["outbox"] == before["outbox"]
    moved = [(m, sha, second / p.relative_to(data_dir)) for m, sha, p in before["documents"]]
    assert after["documents"] == moved  # recorded paths follow the data to its new folder
    assert all(p.exists() for _m, _s, p in moved)
    assert stat.S_IMODE(backup.path.stat().st_mode) == 0o600


def test_restore_keeps_what_it_replaces(
    services: AppServices, data_dir: Path, tmp_path: Path
) -> None:
    _fill(services, tmp_path)
    backup = BackupService(services.store, services.settings).backup(tmp_path / "b.gjjbak")
    services.units.add("100002", "后来添加的单位")
    services.close()

    result = restore(backup.path, data_dir)

    assert result.replaced is not None and result.replaced.parent == data_dir
    again = AppServices.open()
    try:
        assert [u.code for u in again.units.list()] == ["100001"]
    finally:
        again.close()
    kept = AppServices.open(result.replaced / "gjj-desk.sqlite3")
    try:
        assert sorted(u.code for u in kept.units.list()) == ["100001", "100002"]
    finally:
        kept.close()


def _rewrite(source: Path, target: Path, change: dict[str, object]) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "manifest.json":
                data = json.dumps({**json.loads(data), **change}).encode()
            new.writestr(item, data)
    return target


@pytest.fixture
def backup_file(services: AppServices, tmp_path: Path) -> Path:
    _fill(services, tmp_path)
    return BackupService(services.store, services.settings).backup(tmp_path / "b.gjjbak").path


def test_a_backup_from_a_newer_client_is_refused_and_nothing_touched(
    backup_file: Path, data_dir: Path, tmp_path: Path
) -> None:
    newer = _rewrite(backup_file, tmp_path / "newer.gjjbak", {"format": 99})
    later_schema = _rewrite(backup_file, tmp_path / "schema.gjjbak", {"schema": "9999"})
    before = paths.database_path().read_bytes()

    with pytest.raises(DatabaseTooNewError, match="更新版本的客户端"):
        restore(newer, data_dir)
    with pytest.raises(DatabaseTooNewError, match="9999"):
        restore(later_schema, data_dir)

    assert paths.database_path().read_bytes() == before
    assert not list(data_dir.glob("replaced-*"))


def test_a_damaged_or_foreign_file_is_refused_with_its_name(
    backup_file: Path, data_dir: Path, tmp_path: Path
) -> None:
    truncated = tmp_path / "cut.gjjbak"
    truncated.write_bytes(backup_file.read_bytes()[: backup_file.stat().st_size // 2])
    foreign = tmp_path / "photo.gjjbak"
    shutil.copy(_png(tmp_path / "p.png", "red"), foreign)
    escaping = tmp_path / "escape.gjjbak"
    with zipfile.ZipFile(backup_file) as old, zipfile.ZipFile(escaping, "w") as new:
        manifest = json.loads(old.read("manifest.json"))
        manifest["files"]["../../evil.txt"] = "0" * 64
        new.writestr("manifest.json", json.dumps(manifest))
        new.writestr("../../evil.txt", b"x")

    for bad in (truncated, foreign, escaping):
        with pytest.raises(BadInputError) as caught:
            restore(bad, data_dir)
        assert bad.name in caught.value.message and "不能用来恢复" in caught.value.message
    assert not (tmp_path.parent / "evil.txt").exists()
    assert not list(data_dir.glob("replaced-*"))
    assert inspect(backup_file).schema  # the sound file still checks out


def test_a_reminder_when_the_last_backup_is_older_than_the_setting(
    services: AppServices, tmp_path: Path
) -> None:
    backups = BackupService(services.store, services.settings)
    now = datetime(2026, 11, 28, 9, 0)
    assert backups.reminder(now) is None  # a fresh install has nothing to back up yet
    services.units.add("100001", "开封市示范机械厂")
    assert "还没有备份过" in (backups.reminder(now) or "")

    backups.backup(tmp_path / "b.gjjbak")
    assert backups.reminder(datetime.now()) is None

    services.settings.set(LAST_BACKUP_KEY, (now - timedelta(days=8)).isoformat())
    assert "8 天前" in (backups.reminder(now) or "")
    services.settings.set(REMINDER_DAYS_KEY, 30)
    assert backups.reminder(now) is None
