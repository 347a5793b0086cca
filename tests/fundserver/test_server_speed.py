"""Where a submission's time went on the server (issue 12), and what keeps it from coming back.

Measured under load: each SQLite commit in the rollback-journal mode cost 10-30 ms (journal,
database and directory synced, the journal deleted), and an upload made two of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, text
from test_server_attachments import PDF, PNG, upload

from fundserver.db import make_engine


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
