"""fundserver over a temporary SQLite file with the demo data, driven through TestClient."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from fs_helpers import FakeClock, login
from sqlalchemy.orm import Session

from fundserver.app import create_app
from fundserver.db import make_engine, make_sessionmaker
from fundserver.demo import seed_demo
from fundserver.policy import load_policy


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo centre seeded once per run; each test gets its own copy of the file."""
    path = tmp_path_factory.mktemp("template") / "centre.db"
    engine = make_engine(f"sqlite:///{path}")
    with make_sessionmaker(engine)() as session:
        seed_demo(session, today=date(2025, 6, 1))
    engine.dispose()
    return path


@pytest.fixture
def database_url(tmp_path: Path, seeded_template: Path) -> str:
    target = tmp_path / "centre.db"
    shutil.copyfile(seeded_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def policy() -> dict[str, Any]:
    return load_policy()


@pytest.fixture
def fund_app(database_url: str, clock: FakeClock, policy: dict[str, Any]) -> Iterator[FastAPI]:
    app = create_app(database_url, policy=policy, clock=clock)
    yield app
    app.state.engine.dispose()


@pytest.fixture
def sessions(fund_app: FastAPI) -> Iterator[Session]:
    with make_sessionmaker(fund_app.state.engine)() as session:
        yield session


@pytest.fixture
def client(fund_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(fund_app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def auth(client: TestClient) -> dict[str, str]:
    return login(client)
