"""Backup and restore of everything the client keeps on this PC, in one file.

The file is a ZIP: `manifest.json` (format, schema revision, when, where from, a SHA-256 per
entry), the database (a consistent copy through SQLite's backup API, so the client may keep
running), `settings.json` and every unit's files (`units/…`: scanned originals, pages, PDFs).
Never the keyring's secrets: they are not in the data folder, and settings refuse them.

Restore checks the whole file before touching anything (a ZIP, our manifest, a format and a
schema this client knows, every checksum, a database that passes its check), moves what it
replaces into a `replaced-…` folder, and puts the backup in place. Attachment paths recorded
in the database are moved to the new data folder when it differs (a new PC, a second folder).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import func, select

from app import __version__, paths
from app.errors import BadInputError, DatabaseTooNewError, StorageError, storage_error
from app.models import Unit
from app.services.settings import Settings
from app.services.store import Store, known_revisions

logger = logging.getLogger(__name__)

BACKUP_FORMAT = 1
SUFFIX = ".gjjbak"
MANIFEST = "manifest.json"
DATABASE_ENTRY = "database/gjj-desk.sqlite3"
SETTINGS_ENTRY = "settings.json"
UNITS = "units"
LAST_BACKUP_KEY = "last_backup_at"
REMINDER_DAYS_KEY = "backup_reminder_days"
DEFAULT_REMINDER_DAYS = 7


@dataclass(frozen=True)
class BackupInfo:
    """What a backup file holds, from its manifest."""

    path: Path
    created_at: datetime
    schema: str
    files: int  # unit files (originals, pages, PDFs), besides the database and settings
    size: int  # bytes of the backup file


@dataclass(frozen=True)
class RestoreResult:
    backup: BackupInfo
    replaced: Path | None  # where what was there before now lies (None: nothing was there)


def default_name(now: datetime | None = None) -> str:
    return f"gjj-desk-备份-{(now or datetime.now()).strftime('%Y%m%d-%H%M')}{SUFFIX}"


class BackupService:
    """Makes backup files of the running client's data and says when one is due."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    def backup(self, out: Path) -> BackupInfo:
        """Write one backup file at `out` (all of it or nothing) and remember when."""
        root = paths.data_dir()
        now = datetime.now()
        try:
            info = _write_backup(self.store, root, out, now)
        except OSError as exc:
            raise storage_error(exc, out.parent) from exc
        except sqlite3.Error as exc:
            raise StorageError(f"无法读取本地数据库以备份：{exc}") from exc
        self.settings.set(LAST_BACKUP_KEY, now.isoformat(timespec="seconds"))
        logger.info("backup written: %s (%d files, %d bytes)", out, info.files, info.size)
        return info

    def reminder(self, now: datetime | None = None) -> str | None:
        """A reminder to back up when the last backup is older than the setting's days."""
        days = self.settings.get(REMINDER_DAYS_KEY, DEFAULT_REMINDER_DAYS)
        if not isinstance(days, int) or isinstance(days, bool) or days <= 0:
            return None
        now = now or datetime.now()
        last = _parse_time(self.settings.get(LAST_BACKUP_KEY))
        how = "请用“文件 → 备份数据”（或 gjj-desk backup -o 文件）备份到U盘或其他电脑。"
        if last is None:
            return "本机数据还没有备份过：" + how if self._has_units() else None
        if now - last < timedelta(days=days):
            return None
        return f"上次备份是 {(now - last).days} 天前（{last:%Y-%m-%d}），超过了 {days} 天：" + how

    def _has_units(self) -> bool:
        with self.store.session() as session:
            return session.scalar(select(func.count()).select_from(Unit)) != 0


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


# -- writing -----------------------------------------------------------------------------------


def _unit_files(root: Path) -> Iterator[tuple[Path, str]]:
    """(file, entry name) for every unit file; hidden ones (scans in progress, temp) left out."""
    units = root / UNITS
    if not units.is_dir():
        return
    for file in sorted(units.rglob("*")):
        relative = file.relative_to(root)
        if file.is_file() and not any(part.startswith(".") for part in relative.parts):
            yield file, relative.as_posix()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _snapshot(store: Store, target: Path) -> None:
    """A consistent copy of the live database (SQLite's backup API), 0600."""
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    source = sqlite3.connect(store.path)
    try:
        dest = sqlite3.connect(target)
        try:
            with dest:
                source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()


def _write_backup(store: Store, root: Path, out: Path, now: datetime) -> BackupInfo:
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".~", suffix=SUFFIX, dir=out.parent)
    os.close(handle)
    snapshot = Path(tempfile.mkstemp(prefix=".backup-", suffix=".sqlite3", dir=root)[1])
    try:
        _snapshot(store, snapshot)
        checksums = {DATABASE_ENTRY: _sha256(snapshot)}
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(snapshot, DATABASE_ENTRY)
            settings = root / "settings.json"
            if settings.is_file():
                archive.write(settings, SETTINGS_ENTRY)
                checksums[SETTINGS_ENTRY] = _sha256(settings)
            for file, name in _unit_files(root):
                archive.write(file, name)
                checksums[name] = _sha256(file)
            manifest = {
                "format": BACKUP_FORMAT,
                "app_version": __version__,
                "schema": store.revision(),
                "created_at": now.isoformat(timespec="seconds"),
                "data_dir": str(root),
                "files": checksums,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        os.replace(temporary, out)
    finally:
        snapshot.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            os.unlink(temporary)
    units = sum(1 for name in checksums if name.startswith(UNITS + "/"))
    return BackupInfo(out, now, str(manifest["schema"]), units, out.stat().st_size)


# -- checking and restoring --------------------------------------------------------------------


def _bad(path: Path, why: str) -> BadInputError:
    return BadInputError(f"“{path.name}”不能用来恢复：{why}", field=str(path))


def _safe_name(name: str) -> bool:
    """An entry that stays inside the data folder (no absolute path, no `..`)."""
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or "\\" in name or ":" in name:
        return False
    return name in (DATABASE_ENTRY, SETTINGS_ENTRY) or pure.parts[0] == UNITS


def _read_manifest(archive: zipfile.ZipFile, path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError as exc:
        raise _bad(path, "这不是本客户端的备份文件（缺少 manifest.json）。") from exc
    except ValueError as exc:
        raise _bad(path, "备份说明（manifest.json）已损坏。") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise _bad(path, "备份说明（manifest.json）不完整。")
    fmt = manifest.get("format")
    if not isinstance(fmt, int) or fmt > BACKUP_FORMAT:
        raise DatabaseTooNewError(
            f"备份文件“{path.name}”由更新版本的客户端创建（格式 {fmt}），"
            "当前客户端无法恢复它：请先安装最新版本的客户端。"
        )
    if manifest.get("schema") not in known_revisions():
        raise DatabaseTooNewError(
            f"备份文件“{path.name}”中的数据库由更新版本的客户端创建（架构版本 "
            f"{manifest.get('schema')}）：请先安装最新版本的客户端再恢复。"
        )
    return manifest


def inspect(path: Path) -> BackupInfo:
    """Check a backup file completely (every checksum); its description if it is sound."""
    return _check(path, None)


def _check(path: Path, extract_to: Path | None) -> BackupInfo:
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = _read_manifest(archive, path)
            files: dict[str, str] = manifest["files"]
            if DATABASE_ENTRY not in files:
                raise _bad(path, "其中没有数据库。")
            for name, checksum in files.items():
                if not _safe_name(name):
                    raise _bad(path, f"其中有不属于数据文件夹的条目“{name}”。")
                digest = hashlib.sha256()
                target = extract_to / name if extract_to is not None else None
                _copy_entry(archive, name, digest, target)
                if digest.hexdigest() != checksum:
                    raise _bad(path, f"“{name}”与备份时不一致，备份文件已损坏。")
    except FileNotFoundError as exc:
        raise BadInputError(f"找不到备份文件“{path}”。", field=str(path)) from exc
    except (zipfile.BadZipFile, KeyError, EOFError) as exc:
        raise _bad(path, "这不是有效的备份文件，或文件已损坏（不完整）。") from exc
    created = _parse_time(manifest.get("created_at")) or datetime.fromtimestamp(0)
    units = sum(1 for name in files if name.startswith(UNITS + "/"))
    return BackupInfo(path, created, str(manifest["schema"]), units, path.stat().st_size)


def _copy_entry(archive: zipfile.ZipFile, name: str, digest: Any, target: Path | None) -> None:
    if target is not None:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with archive.open(name) as source, contextlib.ExitStack() as stack:
        out = None
        if target is not None:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            out = stack.enter_context(os.fdopen(fd, "wb"))
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
            if out is not None:
                out.write(block)


def restore(path: Path, data_dir: Path | None = None) -> RestoreResult:
    """Replace the data folder's database, settings and unit files with the backup's.

    The client must not have the store open. Nothing is touched until the whole file checks
    out; what is replaced is moved to `replaced-<time>` in the data folder, never deleted.
    """
    root = data_dir or paths.data_dir()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    staging = paths.private_dir(root / f".restore-{stamp}")
    try:
        try:
            info = _check(path, staging)
            with zipfile.ZipFile(path) as archive:
                old_root = str(_read_manifest(archive, path).get("data_dir") or "")
            _check_database(staging / DATABASE_ENTRY, path)
            _move_paths(staging / DATABASE_ENTRY, old_root, str(root))
            replaced = _set_aside(root, stamp)
            _put_in_place(staging, root)
        except OSError as exc:
            raise storage_error(exc, root) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    logger.info("restored %s into %s (old data kept in %s)", path, root, replaced)
    return RestoreResult(info, replaced)


def _check_database(database: Path, path: Path) -> None:
    try:
        with contextlib.closing(sqlite3.connect(database)) as conn:
            result = conn.execute("PRAGMA quick_check").fetchone()
    except sqlite3.Error as exc:
        raise _bad(path, f"其中的数据库已损坏（{exc}）。") from exc
    if result is None or result[0] != "ok":
        raise _bad(path, "其中的数据库已损坏。")


def _move_paths(database: Path, old_root: str, new_root: str) -> None:
    """Attachment paths are absolute: move those under the old data folder to the new one."""
    if not old_root or old_root == new_root:
        return
    with contextlib.closing(sqlite3.connect(database)) as conn, conn:
        conn.execute(
            "UPDATE attachments SET path = ? || substr(path, ?) WHERE substr(path, 1, ?) = ?",
            (new_root, len(old_root) + 1, len(old_root), old_root),
        )


def _current_files(root: Path) -> list[Path]:
    database = root / paths.database_path().name
    names = [database, database.with_name(database.name + "-wal")]
    names += [database.with_name(database.name + "-shm"), root / "settings.json", root / UNITS]
    return [p for p in names if p.exists()]


def _set_aside(root: Path, stamp: str) -> Path | None:
    current = _current_files(root)
    if not current:
        return None
    keep = paths.private_dir(root / f"replaced-{stamp}")
    for item in current:
        os.replace(item, keep / item.name)
    return keep


def _put_in_place(staging: Path, root: Path) -> None:
    os.replace(staging / DATABASE_ENTRY, root / paths.database_path().name)
    if (staging / SETTINGS_ENTRY).exists():
        os.replace(staging / SETTINGS_ENTRY, root / "settings.json")
    if (staging / UNITS).exists():
        os.replace(staging / UNITS, root / UNITS)
