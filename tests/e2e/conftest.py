"""Fixtures: fundserver as a separate process on loopback, and the demo credentials."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fundserver.demo import DemoCredentials
from fundserver.process import FundServerProcess


@pytest.fixture(scope="module")
def fundserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FundServerProcess]:
    """One server per test module (starting one takes about half a second)."""
    server = FundServerProcess(tmp_path_factory.mktemp("fundserver"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def fundserver_url(fundserver: FundServerProcess) -> str:
    """Base URL (http://127.0.0.1:PORT) of the module's fundserver process."""
    return fundserver.url


@pytest.fixture
def fresh_fundserver(tmp_path: Path) -> Iterator[FundServerProcess]:
    """A server of the test's own, for tests that kill it."""
    server = FundServerProcess(tmp_path / "fundserver")
    yield server
    server.stop()


@pytest.fixture
def demo_credentials() -> DemoCredentials:
    """单位账号 and password of the demo unit seeded by `--seed demo`."""
    return DemoCredentials()
