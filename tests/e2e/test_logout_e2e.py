"""退出登录 from the window and `gjj-desk logout`: the server revokes, the keyring forgets."""

from __future__ import annotations

import io
import json
import sys

import pytest
import requests
from pytestqt.qtbot import QtBot

from app.cli import run
from app.services.context import AppServices
from app.services.session import CentreSession
from app.views.main_window import MainWindow
from fundserver.demo import DemoCredentials
from tests.conftest import MemoryKeyring

pytestmark = pytest.mark.e2e


def _stored_tokens(keyring: MemoryKeyring) -> dict[str, str]:
    raw = [v for (_, key), v in keyring.secrets.items() if key.endswith("|tokens")]
    return json.loads(raw[0]) if raw else {}


def _refresh_status(server: str, refresh_token: str) -> int:
    body = {"refresh_token": refresh_token}
    return requests.post(f"{server}/api/v1/auth/refresh", json=body, timeout=30).status_code


def _unit_status(server: str, access_token: str) -> int:
    headers = {"Authorization": f"Bearer {access_token}"}
    return requests.get(f"{server}/api/v1/unit", headers=headers, timeout=30).status_code


def test_command_line_logout_revokes_the_tokens_and_clears_the_keyring(
    fundserver_url: str,
    demo_credentials: DemoCredentials,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(demo_credentials.password + "\n"))
    login = ["login", "--server", fundserver_url, "--unit", demo_credentials.unit_code]
    assert run([*login, "--password-stdin"]) == 0
    tokens = _stored_tokens(memory_keyring)
    assert tokens and _unit_status(fundserver_url, tokens["access"]) == 200
    capsys.readouterr()

    assert run(["logout", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "unit": demo_credentials.unit_code,
        "server_revoked": True,
    }
    assert _stored_tokens(memory_keyring) == {}
    assert _unit_status(fundserver_url, tokens["access"]) == 401
    assert _refresh_status(fundserver_url, tokens["refresh"]) == 401
    assert run(["roster", "sync"]) != 0
    assert "登录" in capsys.readouterr().err


def test_logout_in_the_window(
    qtbot: QtBot,
    services: AppServices,
    fundserver_url: str,
    demo_credentials: DemoCredentials,
    memory_keyring: MemoryKeyring,
) -> None:
    session = CentreSession(services)
    session.login(fundserver_url, demo_credentials.unit_code, demo_credentials.password)
    tokens = _stored_tokens(memory_keyring)
    window = MainWindow(services, session=session)
    qtbot.addWidget(window)
    window.show()
    window.logout_action.trigger()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "已退出登录", timeout=15_000)
    # Logged out is its own label: the centre is still reachable (在线 or not is another matter).
    assert "未登录" in window.login_label.text()
    assert _stored_tokens(memory_keyring) == {}
    assert _refresh_status(fundserver_url, tokens["refresh"]) == 401
    unit = services.units.current()
    assert unit is not None and not session.is_logged_in(unit)
