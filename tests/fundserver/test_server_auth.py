"""Login, lockout, refresh and token expiry."""

from __future__ import annotations

from fastapi.testclient import TestClient
from fs_helpers import API, FakeClock, error_of, login
from httpx2 import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundserver.db import Token, Unit
from fundserver.demo import DEMO_PASSWORD, DEMO_UNIT_CODE


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


def test_wrong_password_and_unknown_unit_look_alike(client: TestClient) -> None:
    wrong = error_of(_login(client, "nope"))
    unknown = _login(client, DEMO_PASSWORD, unit_code="999999")
    assert unknown.status_code == 401
    assert wrong["code"] == error_of(unknown)["code"] == "invalid_credentials"
    assert "单位账号或密码错误" in wrong["message"]


def test_five_failures_lock_the_unit_for_fifteen_minutes(
    client: TestClient, clock: FakeClock
) -> None:
    for attempt in range(4):
        response = _login(client, f"wrong{attempt}")
        assert response.status_code == 401
    assert "还可尝试 1 次" in error_of(response)["message"]
    fifth = _login(client, "wrong5")
    assert fifth.status_code == 423
    assert error_of(fifth)["code"] == "account_locked"
    # Even the right password is refused while locked, with the time left in Chinese.
    clock.advance(minutes=5)
    locked = _login(client, DEMO_PASSWORD)
    assert locked.status_code == 423
    assert "请 10 分钟后再试" in error_of(locked)["message"]
    clock.advance(minutes=10, seconds=1)
    assert _login(client, DEMO_PASSWORD).status_code == 200


def test_success_resets_the_failure_count(client: TestClient) -> None:
    for _ in range(4):
        _login(client, "wrong")
    assert _login(client, DEMO_PASSWORD).status_code == 200
    for _ in range(4):
        assert _login(client, "wrong").status_code == 401
    assert _login(client, DEMO_PASSWORD).status_code == 200


def test_lockout_of_one_unit_leaves_others_alone(client: TestClient) -> None:
    for _ in range(5):
        _login(client, "wrong")
    assert _login(client, DEMO_PASSWORD, unit_code="100002").status_code == 200


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


def test_refresh_retires_the_old_refresh_token(client: TestClient, clock: FakeClock) -> None:
    first = _login(client, DEMO_PASSWORD).json()
    clock.advance(minutes=20)
    response = client.post(f"{API}/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert response.status_code == 200
    fresh = response.json()
    assert fresh["access_token"] != first["access_token"]
    headers = {"Authorization": f"Bearer {fresh['access_token']}"}
    assert client.get(f"{API}/unit", headers=headers).status_code == 200
    again = client.post(f"{API}/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert again.status_code == 401
    assert error_of(again)["code"] == "auth_required"


def test_access_token_cannot_be_used_to_refresh(client: TestClient) -> None:
    body = _login(client, DEMO_PASSWORD).json()
    response = client.post(f"{API}/auth/refresh", json={"refresh_token": body["access_token"]})
    assert response.status_code == 401
