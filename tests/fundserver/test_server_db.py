"""A centre database made by an older fundserver (a demo centre.db) still opens."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import inspect

from fundserver.db import make_engine


def test_an_older_tokens_table_gets_the_new_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as old:
        old.execute(
            "CREATE TABLE tokens (id INTEGER PRIMARY KEY, token_hash VARCHAR(64) UNIQUE,"
            " kind VARCHAR(16), unit_id INTEGER, expires_at DATETIME, revoked BOOLEAN)"
        )
        old.execute("INSERT INTO tokens VALUES (1, 'abc', 'refresh', 1, '2025-06-01 10:00:00', 0)")
    old.close()
    engine = make_engine(f"sqlite:///{path}")
    try:
        columns = {c["name"] for c in inspect(engine).get_columns("tokens")}
        assert {"family", "rotated_at"} <= columns
        assert {"throttles", "lookup_audit"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
