"""The local SQLite store: opening, upgrading (with a copy first) and sessions.

One file holds every unit's data. WAL mode with synchronous=FULL: a committed transaction
survives a crash or power cut; an uncommitted one leaves no trace.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app import paths
from app.errors import DatabaseTooNewError, StorageError

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parents[1] / "models" / "migrations"


def _alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    """The schema revision this version of the client writes."""
    script = ScriptDirectory.from_config(_alembic_config(create_engine("sqlite://")))
    head = script.get_current_head()
    assert head is not None
    return head


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", future=True)
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

        A database written by a newer client is refused, untouched. Before an upgrade the file is
        copied to the backups folder, so a failed upgrade loses nothing.
        """
        path = path or paths.database_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            engine = make_engine(path)
            _upgrade(engine, path, target)
        except OperationalError as exc:
            raise StorageError(f"无法打开本地数据库 {path}：{exc.orig}") from exc
        return cls(path, engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed if the block ends normally, rolled back otherwise."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except OperationalError as exc:
            session.rollback()
            if "disk" in str(exc.orig).lower() or "full" in str(exc.orig).lower():
                raise StorageError(
                    f"磁盘空间不足，无法保存到 {self.path}，请清理磁盘后重试。"
                ) from exc
            raise StorageError(f"本地数据库写入失败（{self.path}）：{exc.orig}") from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def revision(self) -> str | None:
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def close(self) -> None:
        self.engine.dispose()


def _upgrade(engine: Engine, path: Path, target: str) -> None:
    cfg = _alembic_config(engine)
    script = ScriptDirectory.from_config(cfg)
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
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
    backups.mkdir(parents=True, exist_ok=True)
    target = backups / f"{path.stem}-{revision}-{stamp}{path.suffix}"
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
