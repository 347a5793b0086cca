"""Refresh-token rotation with reuse detection, the retry grace window, and logout."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from fs_helpers import API, FakeClock, error_of

from fundserver.demo import DEMO_PASSWORD, DEMO_UNIT_CODE


def _login(client: TestClient) -> dict[str, Any]:
    body = {"unit_code": DEMO_UNIT_CODE, "password": DEMO_PASSWORD}
    response = client.post(f"{API}/auth/login", json=body)
    assert response.status_code == 200
    return dict(response.json())


def _refresh(client: TestClient, refresh_token: str) -> Any:
    return client.post(f"{API}/auth/refresh", json={"refresh_token": refresh_token})


def _unit_status(client: TestClient, access_token: str) -> int:
    headers = {"Authorization": f"Bearer {access_token}"}
    return client.get(f"{API}/unit", headers=headers).status_code


def test_refresh_gives_a_new_pair_and_retires_the_old_access_token(client: TestClient) -> None:
    first = _login(client)
    response = _refresh(client, first["refresh_token"])
    assert response.status_code == 200
    fresh = response.json()
    assert fresh["access_token"] != first["access_token"]
    assert fresh["refresh_token"] != first["refresh_token"]
    assert _unit_status(client, fresh["access_token"]) == 200
    assert _unit_status(client, first["access_token"]) == 401


def test_a_retry_within_the_grace_window_gets_the_same_pair(
    client: TestClient, clock: FakeClock
) -> None:
    """The refresh answer was lost on the way: the client retries with the old token."""
    first = _login(client)
    lost = _refresh(client, first["refresh_token"]).json()
    clock.advance(seconds=30)
    retry = _refresh(client, first["refresh_token"])
    assert retry.status_code == 200
    assert retry.json()["access_token"] == lost["access_token"]
    assert retry.json()["refresh_token"] == lost["refresh_token"]
    assert _unit_status(client, lost["access_token"]) == 200
    assert _refresh(client, lost["refresh_token"]).status_code == 200


def test_reusing_a_retired_refresh_token_revokes_the_whole_login(
    client: TestClient, clock: FakeClock
) -> None:
    first = _login(client)
    fresh = _refresh(client, first["refresh_token"]).json()
    clock.advance(seconds=61)
    stolen = _refresh(client, first["refresh_token"])
    assert stolen.status_code == 401
    assert error_of(stolen)["code"] == "auth_required"
    assert "已被使用过" in error_of(stolen)["message"]
    # The legitimate holder's newer pair is revoked too: whoever holds it must log in again.
    assert _unit_status(client, fresh["access_token"]) == 401
    assert _refresh(client, fresh["refresh_token"]).status_code == 401


def test_a_retry_after_the_pair_was_used_is_reuse(client: TestClient) -> None:
    first = _login(client)
    second = _refresh(client, first["refresh_token"]).json()
    third = _refresh(client, second["refresh_token"]).json()
    assert _refresh(client, first["refresh_token"]).status_code == 401
    assert _unit_status(client, third["access_token"]) == 401


def test_logout_revokes_the_access_and_refresh_tokens(client: TestClient) -> None:
    tokens = _login(client)
    other = _login(client)
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    body = {"refresh_token": tokens["refresh_token"]}
    response = client.post(f"{API}/auth/logout", headers=headers, json=body)
    assert response.status_code == 204
    assert _unit_status(client, tokens["access_token"]) == 401
    assert _refresh(client, tokens["refresh_token"]).status_code == 401
    # Another login of the same unit (another PC) is not affected.
    assert _unit_status(client, other["access_token"]) == 200


def test_logout_with_the_access_token_alone_revokes_its_refresh_token(client: TestClient) -> None:
    tokens = _login(client)
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.post(f"{API}/auth/logout", headers=headers).status_code == 204
    refused = _refresh(client, tokens["refresh_token"])
    assert refused.status_code == 401
    assert error_of(refused)["message"] == "登录已失效，请重新登录"  # not "used twice"


def test_logout_with_unknown_tokens_is_harmless(client: TestClient) -> None:
    response = client.post(f"{API}/auth/logout", json={"refresh_token": "nothing"})
    assert response.status_code == 204
