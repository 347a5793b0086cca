"""Logging in against a real fundserver process: keyring only, nothing secret on disk."""

from __future__ import annotations

import io
import json
import logging
import sys
from pathlib import Path

import pytest

from app.cli import run
from app.errors import AuthError
from app.logging_setup import setup_logging
from app.services.context import AppServices
from app.services.roster import RosterService, fetch_from
from app.services.session import CentreSession
from fundserver.demo import DemoCredentials
from tests.conftest import MemoryKeyring

pytestmark = pytest.mark.e2e


def test_login_caches_unit_and_policy_and_keeps_secrets_in_the_keyring(
    services: AppServices,
    fundserver_url: str,
    demo_credentials: DemoCredentials,
    memory_keyring: MemoryKeyring,
) -> None:
    session = CentreSession(services)
    outcome = session.login(
        fundserver_url, demo_credentials.unit_code, demo_credentials.password, remember=True
    )
    assert outcome.unit.code == demo_credentials.unit_code
    assert outcome.unit.name == "开封示范科技有限公司"
    assert outcome.password_remembered
    assert services.units.current() == outcome.unit
    assert services.units.policy(outcome.unit.id).source == "server"
    profile = services.units.profile(outcome.unit.id)
    assert profile["unit_ratio"] == "0.12" and "paid_to" in profile
    assert session.is_logged_in(outcome.unit)
    stored = {key[1].rsplit("|", 1)[1]: value for key, value in memory_keyring.secrets.items()}
    assert stored["password"] == demo_credentials.password
    assert json.loads(stored["tokens"])["access"]


def test_a_wrong_password_is_refused_and_nothing_is_stored(
    services: AppServices,
    fundserver_url: str,
    demo_credentials: DemoCredentials,
    memory_keyring: MemoryKeyring,
) -> None:
    with pytest.raises(AuthError) as refused:
        CentreSession(services).login(fundserver_url, demo_credentials.unit_code, "wrong-pass")
    assert "密码" in refused.value.message
    assert services.units.list() == []
    assert not any(
        key[1].endswith("|tokens") and value for key, value in memory_keyring.secrets.items()
    )


def test_no_password_or_token_in_the_data_folder_log_or_database(
    services: AppServices,
    fundserver_url: str,
    demo_credentials: DemoCredentials,
    memory_keyring: MemoryKeyring,
    data_dir: Path,
) -> None:
    setup_logging(logging.DEBUG, console=False)
    try:
        session = CentreSession(services)
        outcome = session.login(
            fundserver_url, demo_credentials.unit_code, demo_credentials.password, remember=True
        )
        with session.client(outcome.unit) as client:
            RosterService(services.store, outcome.unit.id).sync(fetch_from(client))
    finally:
        for handler in list(logging.getLogger().handlers):
            if getattr(handler, "_gjj_desk", False):
                logging.getLogger().removeHandler(handler)
                handler.close()
    services.store.engine.dispose()  # flush the WAL into the database file
    tokens = json.loads(
        next(v for k, v in memory_keyring.secrets.items() if k[1].endswith("|tokens"))
    )
    secrets = [demo_credentials.password, tokens["access"], tokens["refresh"]]
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert any(p.suffix == ".log" for p in files) and any(p.suffix == ".sqlite3" for p in files)
    for path in files:
        content = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in content, f"a secret was written to {path.name}"


def test_command_line_login_roster_sync_and_lookup(
    fundserver_url: str,
    demo_credentials: DemoCredentials,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(demo_credentials.password + "\n"))
    assert (
        run(
            [
                "login",
                "--server",
                fundserver_url,
                "--unit",
                demo_credentials.unit_code,
                "--password-stdin",
                "--json",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["name"] == "开封示范科技有限公司"

    assert run(["roster", "sync", "--json"]) == 0
    synced = json.loads(capsys.readouterr().out)
    assert synced["total"] == 40 and synced["added"] == 40

    assert run(["roster", "sync", "--json"]) == 0  # nothing changed since: a delta of nothing
    assert json.loads(capsys.readouterr().out)["added"] == 0

    assert run(["lookup", "王伟", "--json"]) == 0
    shared = json.loads(capsys.readouterr().out)
    assert shared["state"] == "many" and len(shared["persons"]) == 2

    one = shared["persons"][0]
    assert run(["lookup", one["id_number"], "--json"]) == 0
    by_id = json.loads(capsys.readouterr().out)
    assert by_id["state"] == "one" and by_id["persons"][0]["account_no"] == one["account_no"]

    assert run(["lookup", one["account_no"], "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["persons"][0]["name"] == "王伟"

    assert run(["lookup", "查无此人"]) == 1
    assert "查无此人" in capsys.readouterr().out
