"""The FastAPI application: `create_app(database_url, …)`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from sqlalchemy.engine import make_url

from fundserver import API_PREFIX
from fundserver.db import make_engine, make_sessionmaker, utcnow
from fundserver.deps import ServerState
from fundserver.errors import install_error_handlers
from fundserver.limits import BodyGate
from fundserver.policy import load_policy
from fundserver.routes import (
    attachment_batch,
    attachments,
    auth,
    batch,
    centre,
    client_version,
    payments,
    records,
    roster,
    submissions,
)
from fundserver.schemas import ClientVersions
from fundserver.security import AuthSettings

API_VERSION = "1.0.0"


def default_storage_dir(database_url: str) -> Path:
    """Attachments live beside a SQLite file (`x.db` → `x-attachments/`), else in the cwd."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        db = Path(url.database)
        return db.with_name(db.stem + "-attachments")
    return Path.cwd() / "fundserver-attachments"


def create_app(
    database_url: str,
    *,
    policy: dict[str, Any] | None = None,
    storage_dir: Path | None = None,
    access_ttl: timedelta = timedelta(minutes=15),
    refresh_ttl: timedelta = timedelta(hours=8),
    clock: Callable[[], datetime] = utcnow,
    client_versions: ClientVersions | None = None,
) -> FastAPI:
    """The centre's API over the database at `database_url` (tables are created if missing).

    `clock` returns naive UTC datetimes; tests pass their own to move time forward.
    """
    engine = make_engine(database_url)
    app = FastAPI(
        title="公积金中心单位业务接口 (fundserver)",
        version=API_VERSION,
        description=(
            "住房公积金中心面向单位经办人客户端的接口。所有错误都以 "
            '`{"error": {"code", "message", "field"}}` 返回，message 为中文。'
        ),
    )
    app.state.fund = ServerState(
        sessions=make_sessionmaker(engine),
        policy=policy if policy is not None else load_policy(),
        auth=AuthSettings(access_ttl=access_ttl, refresh_ttl=refresh_ttl),
        storage_dir=storage_dir or default_storage_dir(database_url),
        clock=clock,
        client_versions=client_versions or ClientVersions(),
    )
    app.state.engine = engine
    install_error_handlers(app)
    app.add_middleware(BodyGate)
    for module in (
        auth,
        centre,
        roster,
        attachments,
        attachment_batch,
        records,
        batch,
        submissions,
        client_version,
        payments,
    ):
        app.include_router(module.router, prefix=API_PREFIX)
    return app
