"""Fixtures: fundserver as a separate process on loopback, and the demo credentials.

Every server fixture runs on SQLite and on PostgreSQL. The PostgreSQL variant needs
GJJ_TEST_POSTGRES_URL (a role that may CREATE DATABASE, e.g.
postgresql+psycopg://gjj:gjj@127.0.0.1:5432/postgres); .ci/run sets it, and without it the
variant is skipped with the reason. Each server gets a database of its own, dropped after.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from fundserver.demo import DemoCredentials
from fundserver.process import FundServerProcess

POSTGRES_ENV = "GJJ_TEST_POSTGRES_URL"
DATABASES = ["sqlite", "postgresql"]


@pytest.fixture(scope="module")
def postgres_admin_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL to run this variant against")
    return url


def _database(kind: str, request: pytest.FixtureRequest) -> Iterator[str | None]:
    """None for SQLite (the server's folder holds it), else a fresh PostgreSQL database."""
    if kind == "sqlite":
        yield None
        return
    admin_url = request.getfixturevalue("postgres_admin_url")
    name = f"gjj_test_{secrets.token_hex(6)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module", params=DATABASES)
def module_database(request: pytest.FixtureRequest) -> Iterator[str | None]:
    yield from _database(request.param, request)


@pytest.fixture(params=DATABASES)
def test_database(request: pytest.FixtureRequest) -> Iterator[str | None]:
    yield from _database(request.param, request)


@pytest.fixture(scope="module")
def fundserver(
    tmp_path_factory: pytest.TempPathFactory, module_database: str | None
) -> Iterator[FundServerProcess]:
    """One server per test module (starting one takes about half a second)."""
    server = FundServerProcess(tmp_path_factory.mktemp("fundserver"), database_url=module_database)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def fundserver_url(fundserver: FundServerProcess) -> str:
    """Base URL (http://127.0.0.1:PORT) of the module's fundserver process."""
    return fundserver.url


@pytest.fixture
def fresh_fundserver(tmp_path: Path, test_database: str | None) -> Iterator[FundServerProcess]:
    """A server of the test's own, for tests that kill it."""
    server = FundServerProcess(tmp_path / "fundserver", database_url=test_database)
    yield server
    server.stop()


@pytest.fixture
def demo_credentials() -> DemoCredentials:
    """单位账号 and password of the demo unit seeded by `--seed demo`."""
    return DemoCredentials()
