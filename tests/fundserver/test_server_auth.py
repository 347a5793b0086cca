"""Login, lockout, refresh and token expiry."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from fs_helpers import API, FakeClock, error_of, login
from httpx2 import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundserver import security
from fundserver.db import Token, Unit
from fundserver.demo import DEMO_PASSWORD, DEMO_UNIT_CODE
from fundserver.security import AuthSettings
from fundserver.throttle import Limit
from tests.services.api.live_server import serving


def _login(client: TestClient, password: str, unit_code: str = DEMO_UNIT_CODE) -> Response:
    return client.post(f"{API}/auth/login", json={"unit_code": unit_code, "password": password})


def test_login_returns_tokens_and_unit(client: TestClient) -> None:
    response = _login(client, DEMO_PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert body["unit_code"] == DEMO_UNIT_CODE
    assert body["expires_in"] == 15 * 60
    assert body["access_token"] and body["refresh_token"]
    assert body["access_token"] != body["refresh_token"]


def test_tokens_and_password_are_stored_only_hashed(client: TestClient, sessions: Session) -> None:
    body = _login(client, DEMO_PASSWORD).json()
    stored = [t.token_hash for t in sessions.scalars(select(Token))]
    assert body["access_token"] not in stored and body["refresh_token"] not in stored
    unit = sessions.scalar(select(Unit).where(Unit.unit_code == DEMO_UNIT_CODE))
    assert unit is not None and unit.password_hash.startswith("$argon2")


def test_wrong_password_and_unknown_unit_get_the_same_answers(client: TestClient) -> None:
    """Unit codes cannot be probed: every answer, up to and past the limit, is identical."""
    for _ in range(6):
        wrong = _login(client, "nope")
        unknown = _login(client, "nope", unit_code="999999")
        assert wrong.status_code == unknown.status_code
        assert error_of(wrong) == error_of(unknown)
    first = _login(client, "nope", unit_code="100002")
    assert first.status_code == 401
    assert error_of(first)["message"] == "单位账号或密码错误，还可尝试 4 次"


def test_five_failures_pause_logins_with_a_growing_delay(
    client: TestClient, clock: FakeClock
) -> None:
    for attempt in range(4):
        response = _login(client, f"wrong{attempt}")
        assert response.status_code == 401
    assert "还可尝试 1 次" in error_of(response)["message"]
    fifth = _login(client, "wrong5")
    assert fifth.status_code == 429
    assert error_of(fifth)["code"] == "login_throttled"
    assert error_of(fifth)["message"] == "登录失败次数过多，请 1 分钟后再试"
    assert fifth.headers["Retry-After"] == "60"
    # Even the right password is refused while paused.
    assert _login(client, DEMO_PASSWORD).status_code == 429
    clock.advance(seconds=61)
    # One more try after the pause; failing it doubles the pause.
    again = _login(client, "wrong6")
    assert error_of(again)["message"] == "登录失败次数过多，请 2 分钟后再试"
    clock.advance(minutes=2, seconds=1)
    assert _login(client, DEMO_PASSWORD).status_code == 200


def test_success_resets_the_failure_count(client: TestClient) -> None:
    for _ in range(4):
        _login(client, "wrong")
    assert _login(client, DEMO_PASSWORD).status_code == 200
    for _ in range(4):
        assert _login(client, "wrong").status_code == 401
    assert _login(client, DEMO_PASSWORD).status_code == 200


def test_a_pause_of_one_unit_leaves_others_alone(client: TestClient) -> None:
    for _ in range(5):
        _login(client, "wrong")
    assert _login(client, DEMO_PASSWORD, unit_code="100002").status_code == 200


def test_failures_from_one_address_do_not_pause_the_clerk_elsewhere(fund_app: FastAPI) -> None:
    with (
        TestClient(fund_app, client=("203.0.113.9", 5000)) as stranger,
        TestClient(fund_app, client=("198.51.100.7", 5000)) as clerk,
    ):
        for _ in range(6):
            stranger.post(f"{API}/auth/login", json={"unit_code": DEMO_UNIT_CODE, "password": "x"})
        paused = stranger.post(
            f"{API}/auth/login", json={"unit_code": DEMO_UNIT_CODE, "password": DEMO_PASSWORD}
        )
        assert paused.status_code == 429
        ok = clerk.post(
            f"{API}/auth/login", json={"unit_code": DEMO_UNIT_CODE, "password": DEMO_PASSWORD}
        )
        assert ok.status_code == 200


def test_one_address_trying_many_units_is_paused(fund_app: FastAPI, client: TestClient) -> None:
    fund_app.state.fund.auth = AuthSettings(per_address=Limit("addr", 6))
    codes = [f"9{n:05d}" for n in range(8)]
    answers = [_login(client, "guess", unit_code=code).status_code for code in codes]
    assert answers == [401] * 5 + [429] * 3


def test_many_addresses_guessing_one_unit_are_paused(fund_app: FastAPI) -> None:
    fund_app.state.fund.auth = AuthSettings(per_unit=Limit("unit", 8))
    answers = []
    for n in range(4):
        with TestClient(fund_app, client=(f"192.0.2.{n + 1}", 5000)) as guesser:
            for _ in range(3):
                body = {"unit_code": DEMO_UNIT_CODE, "password": "guess"}
                answers.append(guesser.post(f"{API}/auth/login", json=body).status_code)
    assert answers[:7] == [401] * 7 and answers[7] == 429


def test_parallel_wrong_passwords_check_at_most_five(
    fund_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audit's reproduction: 64 wrong passwords at once, then the right one."""
    checked: list[bool] = []
    real = security._verify_password

    def counting(password_hash: str, password: str) -> bool:
        checked.append(True)
        return real(password_hash, password)

    monkeypatch.setattr(security, "_verify_password", counting)

    def attempt(password: str) -> int:
        body = {"unit_code": DEMO_UNIT_CODE, "password": password}
        return httpx.post(f"{url}{API}/auth/login", json=body, timeout=60).status_code

    with serving(fund_app) as url, ThreadPoolExecutor(max_workers=32) as pool:
        statuses = list(pool.map(attempt, [f"wrong{n}" for n in range(64)]))
        assert len(checked) <= 5
        assert statuses.count(401) <= 4 and set(statuses) <= {401, 429}
        assert attempt(DEMO_PASSWORD) == 429


def test_no_token_and_bad_token_are_auth_required(client: TestClient) -> None:
    missing = client.get(f"{API}/unit")
    assert missing.status_code == 401
    assert error_of(missing)["code"] == "auth_required"
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    forged = client.get(f"{API}/unit", headers={"Authorization": "Bearer forged"})
    assert error_of(forged)["code"] == "auth_required"


def test_access_token_expires_after_fifteen_minutes(client: TestClient, clock: FakeClock) -> None:
    headers = login(client)
    clock.advance(minutes=14, seconds=59)
    assert client.get(f"{API}/unit", headers=headers).status_code == 200
    clock.advance(seconds=1)
    expired = client.get(f"{API}/unit", headers=headers)
    assert expired.status_code == 401
    assert error_of(expired)["code"] == "token_expired"


def test_access_token_cannot_be_used_to_refresh(client: TestClient) -> None:
    body = _login(client, DEMO_PASSWORD).json()
    response = client.post(f"{API}/auth/refresh", json={"refresh_token": body["access_token"]})
    assert response.status_code == 401
