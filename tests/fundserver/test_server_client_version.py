"""GET /client-version: what the centre publishes about client versions, with no login."""

from __future__ import annotations

from fastapi.testclient import TestClient
from fs_helpers import API

from fundserver.app import create_app
from fundserver.schemas import ClientVersions


def test_a_centre_that_publishes_nothing_answers_nulls(client: TestClient) -> None:
    answer = client.get(f"{API}/client-version")  # no Authorization header
    assert answer.status_code == 200
    assert answer.json() == {"latest": None, "minimum": None, "download_url": None}


def test_published_versions_are_served_without_login(database_url: str) -> None:
    published = ClientVersions(
        latest="0.3.0", minimum="0.2.0", download_url="https://centre.example/gjj-desk"
    )
    app = create_app(database_url, client_versions=published)
    try:
        with TestClient(app) as client:
            body = client.get(f"{API}/client-version").json()
    finally:
        app.state.engine.dispose()
    assert body == {
        "latest": "0.3.0",
        "minimum": "0.2.0",
        "download_url": "https://centre.example/gjj-desk",
    }
