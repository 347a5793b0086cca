"""HR automation on a PC with no keyring: each command a process of its own (issue 8, point 2).

`gjj-desk login` then `gjj-desk roster sync` must work with GJJ_DESK_PASSWORD (or
--password-stdin) and no keyring, and no password or token may land in the data folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from fundserver.demo import DemoCredentials
from fundserver.process import FundServerProcess

pytestmark = pytest.mark.e2e

NO_KEYRINGS = ["keyring.backends.null.Keyring", "keyring.backends.fail.Keyring"]
URLSAFE_RUN = re.compile(rb"[A-Za-z0-9_-]{43,}")  # fundserver tokens: token_urlsafe(32)


def gjj_desk(
    data_dir: Path, backend: str, *args: str, password: str | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GJJ_DESK_", "PYTHON_KEY"))}
    env.update(GJJ_DESK_DATA_DIR=str(data_dir), PYTHON_KEYRING_BACKEND=backend)
    if password is not None:
        env["GJJ_DESK_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def issued_token_hashes(server: FundServerProcess) -> set[str]:
    """The SHA-256 of every token the centre issued (it keeps nothing else of them)."""
    engine = create_engine(server.database_url)  # SQLite or PostgreSQL, as the server runs
    try:
        with engine.connect() as db:
            return {row[0] for row in db.execute(text("SELECT token_hash FROM tokens"))}
    finally:
        engine.dispose()


def token_found_in(content: bytes, hashes: set[str]) -> bool:
    for run in URLSAFE_RUN.findall(content):
        for start in range(len(run) - 42):
            if hashlib.sha256(run[start : start + 43]).hexdigest() in hashes:
                return True
    return False


@pytest.mark.parametrize("backend", NO_KEYRINGS, ids=["keyring-disabled", "no-keyring"])
def test_login_then_roster_sync_as_two_processes_without_a_keyring(
    backend: str,
    data_dir: Path,
    fundserver: FundServerProcess,
    demo_credentials: DemoCredentials,
) -> None:
    password, unit = demo_credentials.password, demo_credentials.unit_code
    login = gjj_desk(
        data_dir, backend, "login", "--server", fundserver.url, "--unit", unit, "--remember",
        "--json", password=password,
    )  # fmt: skip
    assert login.returncode == 0, login.stderr
    said = json.loads(login.stdout)
    assert said["login_kept"] is False and said["password_remembered"] is False
    # Told at login that it will not last, and how to work headless.
    assert "不会保留" in login.stderr and "GJJ_DESK_PASSWORD" in login.stderr
    assert "--password-stdin" in login.stderr

    synced = gjj_desk(data_dir, backend, "roster", "sync", "--json", password=password)
    assert synced.returncode == 0, synced.stderr
    assert json.loads(synced.stdout)["total"] == 40

    hashes = issued_token_hashes(fundserver)
    assert len(hashes) >= 4  # two logins, an access and a refresh token each
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert any(p.suffix == ".sqlite3" for p in files)
    for path in files:
        content = path.read_bytes()
        assert password.encode() not in content, f"the password was written to {path.name}"
        assert not token_found_in(content, hashes), f"a token was written to {path.name}"


def test_headless_commands_say_how_to_log_in_and_read_the_password_from_stdin(
    data_dir: Path, fundserver: FundServerProcess, demo_credentials: DemoCredentials
) -> None:
    backend, password = NO_KEYRINGS[0], demo_credentials.password
    login = gjj_desk(
        data_dir, backend, "login", "--server", fundserver.url, "--unit",
        demo_credentials.unit_code, "--password-stdin", stdin=password + "\n",
    )  # fmt: skip
    assert login.returncode == 0, login.stderr
    assert "已登录" in login.stdout and "不会保留" in login.stderr

    # Without a password the next command says what to do instead of a bare 未登录.
    refused = gjj_desk(data_dir, backend, "roster", "sync")
    assert refused.returncode == 2
    assert "GJJ_DESK_PASSWORD" in refused.stderr and "--password-stdin" in refused.stderr

    piped = gjj_desk(data_dir, backend, "sync", "--json", "--password-stdin", stdin=password)
    assert piped.returncode == 0, piped.stderr
    assert json.loads(piped.stdout)["ok"] is True

    wrong = gjj_desk(data_dir, backend, "sync", password="not-the-password")
    assert wrong.returncode == 2
    assert "密码" in wrong.stderr and "GJJ_DESK_PASSWORD" not in wrong.stderr
