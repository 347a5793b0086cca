"""Helpers shared by the fundserver tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from fundserver.demo import DEMO_PASSWORD, DEMO_UNIT_CODE

API = "/api/v1"


class FakeClock:
    """A clock the test moves by hand (naive UTC, like the server's)."""

    def __init__(self) -> None:
        self.now = datetime(2025, 6, 1, 9, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


def login(client: TestClient, unit_code: str = DEMO_UNIT_CODE) -> dict[str, str]:
    response = client.post(
        f"{API}/auth/login", json={"unit_code": unit_code, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def error_of(response: Any) -> dict[str, Any]:
    """The structured error body; fails the test if the shape is anything else."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "field"}, body
    return dict(body["error"])
