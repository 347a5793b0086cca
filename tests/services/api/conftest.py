"""fundserver in a thread on a free loopback port, for CentreClient tests (real HTTP)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from live_server import serving

from app.services.api import CentreClient, MemoryTokenStore
from fundserver.app import create_app
from fundserver.db import make_engine, make_sessionmaker
from fundserver.demo import seed_demo


@pytest.fixture(scope="session")
def seeded_centre(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("centre") / "centre.db"
    engine = make_engine(f"sqlite:///{path}")
    with make_sessionmaker(engine)() as session:
        seed_demo(session, today=date(2025, 6, 1))
    engine.dispose()
    return path


@pytest.fixture
def access_ttl() -> timedelta:
    return timedelta(minutes=15)


@pytest.fixture
def centre_app(tmp_path: Path, seeded_centre: Path, access_ttl: timedelta) -> Iterator[FastAPI]:
    database = tmp_path / "centre.db"
    shutil.copyfile(seeded_centre, database)
    app = create_app(f"sqlite:///{database}", access_ttl=access_ttl)
    yield app
    app.state.engine.dispose()


@pytest.fixture
def centre_url(centre_app: FastAPI) -> Iterator[str]:
    with serving(centre_app) as url:
        yield url


@pytest.fixture
def tokens() -> MemoryTokenStore:
    return MemoryTokenStore()


@pytest.fixture
def client(centre_url: str, tokens: MemoryTokenStore) -> Iterator[CentreClient]:
    with CentreClient(centre_url, token_store=tokens) as centre:
        yield centre
