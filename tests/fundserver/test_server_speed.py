"""Where a submission's time went on the server (issue 12), and what keeps it from coming back.

Measured under load: each SQLite commit in the rollback-journal mode cost 10-30 ms (journal,
database and directory synced, the journal deleted), and an upload made two of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from fs_helpers import API, FakeClock, error_of
from sqlalchemy import event, text
from test_server_attachments import PDF, PNG, upload

from fundserver.db import make_engine
from fundserver.demo import DEMO_PASSWORD, DEMO_UNIT_CODE
from fundserver.server import make_server


def test_the_centre_database_commits_to_a_write_ahead_log(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'centre.db'}")
    try:
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
    finally:
        engine.dispose()


def _commits(app: FastAPI) -> list[Any]:
    seen: list[Any] = []
    event.listen(app.state.engine, "commit", seen.append)
    return seen


def test_an_upload_is_recorded_in_one_commit(
    client: TestClient, auth: dict[str, str], fund_app: FastAPI
) -> None:
    commits = _commits(fund_app)
    first = upload(client, auth, PDF)
    assert first.status_code == 201
    assert len(commits) == 1
    again = upload(client, auth, PDF)  # already claimed: answered as before
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    other = upload(client, auth, PNG)
    assert other.status_code == 201
    assert len(commits) == 3


# --- GET /policy: encoded once, 304 to its ETag, still only for a signed-in unit ------------


def test_policy_answers_304_to_the_etag_it_gave(client: TestClient, auth: dict[str, str]) -> None:
    first = client.get(f"{API}/policy", headers=auth)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    again = client.get(f"{API}/policy", headers={**auth, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == etag
    stale = client.get(f"{API}/policy", headers={**auth, "If-None-Match": '"older"'})
    assert stale.status_code == 200
    assert stale.json() == first.json()


def test_policy_etag_does_not_spare_the_login(client: TestClient, auth: dict[str, str]) -> None:
    etag = client.get(f"{API}/policy", headers=auth).headers["ETag"]
    anonymous = client.get(f"{API}/policy", headers={"If-None-Match": etag})
    assert anonymous.status_code == 401
    assert error_of(anonymous)["code"] == "auth_required"


def test_a_new_policy_document_gets_a_new_etag(
    client: TestClient, auth: dict[str, str], fund_app: FastAPI
) -> None:
    etag = client.get(f"{API}/policy", headers=auth).headers["ETag"]
    fund_app.state.fund.policy = {**fund_app.state.fund.policy, "centre_name": "另一个中心"}
    response = client.get(f"{API}/policy", headers={**auth, "If-None-Match": etag})
    assert response.status_code == 200
    assert response.json()["centre_name"] == "另一个中心"
    assert response.headers["ETag"] != etag


# --- access tokens: read from the table once, revoked at once ------------------------------


def _token_reads(app: FastAPI) -> list[str]:
    reads: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "FROM tokens" in statement:
            reads.append(statement)

    event.listen(app.state.engine, "before_cursor_execute", seen)
    return reads


def test_a_checked_token_is_not_read_again_on_each_request(
    client: TestClient, auth: dict[str, str], fund_app: FastAPI
) -> None:
    reads = _token_reads(fund_app)
    for path in ("/unit", "/policy", "/unit", "/submissions"):
        assert client.get(f"{API}{path}", headers=auth).status_code == 200
    assert len(reads) <= 1


def _pair(client: TestClient) -> dict[str, str]:
    body = {"unit_code": DEMO_UNIT_CODE, "password": DEMO_PASSWORD}
    response = client.post(f"{API}/auth/login", json=body)
    assert response.status_code == 200
    return dict(response.json())


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_logout_refuses_a_token_that_was_just_accepted(client: TestClient) -> None:
    pair = _pair(client)
    for path in ("/unit", "/policy"):
        assert client.get(f"{API}{path}", headers=_bearer(pair["access_token"])).status_code == 200
    logout = client.post(f"{API}/auth/logout", headers=_bearer(pair["access_token"]))
    assert logout.status_code == 204
    for path in ("/unit", "/policy"):
        refused = client.get(f"{API}{path}", headers=_bearer(pair["access_token"]))
        assert refused.status_code == 401


def test_refresh_retires_an_access_token_that_was_just_accepted(client: TestClient) -> None:
    pair = _pair(client)
    assert client.get(f"{API}/policy", headers=_bearer(pair["access_token"])).status_code == 200
    refreshed = client.post(f"{API}/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refreshed.status_code == 200
    old = client.get(f"{API}/policy", headers=_bearer(pair["access_token"]))
    assert old.status_code == 401
    new = client.get(f"{API}/policy", headers=_bearer(refreshed.json()["access_token"]))
    assert new.status_code == 200


def test_a_token_that_was_just_accepted_still_expires(
    client: TestClient, auth: dict[str, str], clock: FakeClock
) -> None:
    assert client.get(f"{API}/unit", headers=auth).status_code == 200
    clock.advance(minutes=16)
    for path in ("/unit", "/policy"):
        expired = client.get(f"{API}{path}", headers=auth)
        assert expired.status_code == 401
        assert error_of(expired)["code"] == "token_expired"


def test_the_server_parses_http_with_httptools() -> None:
    """uvicorn's C parser: about a third less CPU per request than the pure-Python h11."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    server = make_server(FastAPI())
    server.config.load()
    assert issubclass(server.config.http_protocol_class, HttpToolsProtocol)


def _sync_calls(dependant: Any) -> list[str]:
    """The callables FastAPI would run on a worker thread for this route (sync ones)."""
    found = [] if dependant.call is None or _is_async(dependant.call) else [dependant.call]
    for sub in dependant.dependencies:
        found += _sync_calls(sub)
    return [getattr(call, "__name__", repr(call)) for call in found]


def _is_async(call: Any) -> bool:
    import inspect

    if not inspect.isroutine(call) and not inspect.isclass(call):
        call = call.__call__  # an instance, like HTTPBearer
    return inspect.iscoroutinefunction(call) or inspect.isasyncgenfunction(call)


@pytest.mark.parametrize("path", ["/submissions", "/attachments"])
def test_a_submissions_and_an_uploads_work_make_one_trip_to_a_worker_thread(path: str) -> None:
    """Each sync route or dependency is a trip to a worker thread and back (issue 12: five per
    request, a third of the centre's CPU per submission); these routes do theirs in one."""
    from fastapi.routing import APIRoute

    from fundserver.routes import attachments, submissions

    (route,) = [
        r
        for r in submissions.router.routes + attachments.router.routes
        if isinstance(r, APIRoute) and r.path == path and "POST" in r.methods
    ]
    assert _sync_calls(route.dependant) == []
