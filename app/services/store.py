"""The local SQLite store: opening, upgrading (with a copy first) and sessions.

One file holds every unit's data. WAL mode with synchronous=FULL: a committed transaction
survives a crash or power cut; an uncommitted one leaves no trace.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app import paths
from app.errors import (
    DatabaseCorruptError,
    DatabaseTooNewError,
    KnownError,
    StorageError,
    cannot_write,
    disk_full_message,
    is_low_on_space,
    no_permission_message,
    storage_error,
)
from app.services.first_screen import MIGRATIONS, code_head, database_revision

if TYPE_CHECKING:
    from alembic.config import Config

logger = logging.getLogger(__name__)

# Alembic (≈0.3 s to import) is loaded only when the database is not at the code's revision;
# the usual start reads both revisions without it (code_head: the migration files' own lines).


def stored_revision(engine: Engine) -> str | None:
    """The revision recorded in the database (Alembic's table, read with plain SQL)."""
    with engine.connect() as conn:
        sqlite = conn.connection.driver_connection
        assert isinstance(sqlite, sqlite3.Connection)  # the local store is SQLite
        return database_revision(sqlite)


def _alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    """The schema revision this version of the client writes."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config(create_engine("sqlite://")))
    head = script.get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    """Every schema revision this client can open (and upgrade from)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config(create_engine("sqlite://")))
    return {rev.revision for rev in script.walk_revisions()}


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(path: Path) -> Engine:
    # hide_parameters: an error's text (and so a traceback or a log line) never carries the
    # row's values: names, full ID numbers and mobiles.
    engine = create_engine(f"sqlite:///{path}", future=True, hide_parameters=True)
    event.listen(engine, "connect", _on_connect)
    return engine


class Store:
    """An open, up-to-date local database."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, path: Path | None = None, *, target: str = "head") -> Store:
        """Open the database at `path` (default: the data folder's), upgrading it if it is old.

        A database written by a newer client is refused, untouched; a damaged one is refused
        with what to do. Before an upgrade the file is copied to the backups folder, so a failed
        upgrade loses nothing. A new database file is readable by its owner only.
        """
        path = path or paths.database_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            existed = path.exists()
            if existed and path.stat().st_size == 0:
                raise DatabaseCorruptError(_corrupt_message(path, "文件长度为 0"), code="corrupt")
            if not existed:
                _create_private(path)
            else:
                _make_private(path)
        except OSError as exc:
            raise storage_error(exc, path.parent) from exc
        engine = make_engine(path)
        try:
            if existed:
                _check_integrity(engine, path)
            _upgrade(engine, path, target)
        except (DatabaseError, sqlite3.Error, OSError) as exc:
            engine.dispose()
            if not existed:  # what a failed first start made must not pass for a database later
                for leftover in _database_files(path):
                    leftover.unlink(missing_ok=True)
            raise database_error(exc, path) from exc
        except KnownError:
            engine.dispose()
            raise
        return cls(path, engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed if the block ends normally, rolled back otherwise."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except DatabaseError as exc:
            session.rollback()
            if not is_storage_trouble(exc):
                raise  # a constraint or a bad statement is a bug, not the disk
            raise database_error(exc, self.path) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def revision(self) -> str | None:
        return stored_revision(self.engine)

    def close(self) -> None:
        self.engine.dispose()


# SQLite's primary result codes (the low byte of an extended code).
_SQLITE_PERM, _SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_CORRUPT = 3, 8, 10, 11
_SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 13, 14, 26


def is_storage_trouble(exc: BaseException) -> bool:
    """An error of the disk or the file (full, read-only, damaged), not of a statement."""
    if isinstance(exc, DatabaseError):
        return type(exc) in (DatabaseError, OperationalError)
    return isinstance(exc, sqlite3.OperationalError | OSError) or type(exc) is sqlite3.DatabaseError


_DISK_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EROFS, errno.EACCES}


def storage_trouble(exc: BaseException) -> StorageError | None:
    """The StorageError for a raw disk or database-file error that escaped; None otherwise."""
    if isinstance(exc, OSError) and exc.errno in _DISK_ERRNOS:
        if not exc.filename:
            return storage_error(exc, "数据文件夹")
        where = Path(exc.filename)
        return storage_error(exc, where if where.is_dir() else where.parent)
    if isinstance(exc, DatabaseError | sqlite3.Error) and is_storage_trouble(exc):
        try:
            database = paths.database_path()
        except OSError:  # the folder itself is the trouble: name the file without making it
            database = Path("数据文件夹") / "gjj-desk.sqlite3"
        return database_error(exc, database)
    return None


def database_error(exc: BaseException, path: Path) -> StorageError:
    """What went wrong with the database file at `path`, in words the clerk can act on."""
    orig = exc.orig if isinstance(exc, DatabaseError) else exc
    if isinstance(orig, OSError):
        return storage_error(orig, path)
    text = str(orig)
    code = getattr(orig, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB) or (
        "malformed" in text or "not a database" in text
    ):
        return DatabaseCorruptError(_corrupt_message(path, text), code="corrupt")
    if primary == _SQLITE_FULL or "database or disk is full" in text:
        return StorageError(disk_full_message(path), code="disk_full")
    if (primary == _SQLITE_IOERR or "disk I/O error" in text) and is_low_on_space(path):
        return StorageError(disk_full_message(path), code="disk_full")
    refused = primary in (_SQLITE_CANTOPEN, _SQLITE_READONLY, _SQLITE_PERM) or (
        "unable to open" in text or "readonly" in text
    )
    if refused and cannot_write(path):
        return StorageError(no_permission_message(path.parent), code="no_permission")
    return StorageError(
        f"本地数据库 {path} 读写失败（{text}）：请检查磁盘后重试。", code="io_error"
    )


def _corrupt_message(path: Path, detail: str) -> str:
    return (
        f"本地数据库 {path} 已损坏（{detail}），客户端无法使用它。"
        "请先关闭客户端，把这个文件改名保留（不要删除），再恢复一份完好的副本："
        f"把 {path.parent / 'backups'} 中升级前自动保存的副本"
        f"复制为 {path.name}，或用“gjj-desk restore 备份文件”恢复您的备份。"
    )


def _check_integrity(engine: Engine, path: Path) -> None:
    """Refuse a damaged file before anything reads or writes it (PRAGMA quick_check)."""
    with engine.connect() as conn:
        rows = [str(row[0]) for row in conn.exec_driver_sql("PRAGMA quick_check").fetchall()]
    if rows != ["ok"]:
        logger.error("local database %s failed its check: %s", path, "; ".join(rows[:5]))
        raise DatabaseCorruptError(_corrupt_message(path, rows[0]), code="corrupt")


def _database_files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def _create_private(path: Path) -> None:
    """An empty file only its owner can read; SQLite gives its -wal and -shm the same mode."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _make_private(path: Path) -> None:
    """Tighten a database an older client left readable by everyone (names, IDs, mobiles)."""
    if os.name != "posix":
        return  # on Windows the user's own profile folder is what keeps others out
    for file in _database_files(path):
        if file.exists() and file.stat().st_mode & 0o077:
            file.chmod(0o600)


def _upgrade(engine: Engine, path: Path, target: str) -> None:
    current = stored_revision(engine)
    if target == "head" and current is not None and current == code_head():
        return  # the usual start: nothing to upgrade, Alembic not even imported
    from alembic import command
    from alembic.script import ScriptDirectory

    cfg = _alembic_config(engine)
    script = ScriptDirectory.from_config(cfg)
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        raise DatabaseTooNewError(
            f"本地数据库 {path} 由更新版本的客户端创建（架构版本 {current}），"
            "当前客户端无法使用。请安装最新版本的客户端后再打开。"
        )
    wanted = script.get_current_head() if target == "head" else target
    if current == wanted:
        return
    if current is not None:
        _backup(path, current)
    logger.info("upgrading local database %s from %s to %s", path, current, wanted)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)


def _backup(path: Path, revision: str) -> Path:
    """Copy the database (consistently, through SQLite's backup API) before an upgrade."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    backups = path.parent / "backups"
    backups.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = backups / f"{path.stem}-{revision}-{stamp}{path.suffix}"
    _create_private(target)
    source = sqlite3.connect(path)
    try:
        dest = sqlite3.connect(target)
        with dest:
            source.backup(dest)
        dest.close()
    finally:
        source.close()
    logger.info("copied database to %s before upgrading", target)
    return target
