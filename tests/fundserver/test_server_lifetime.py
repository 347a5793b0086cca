"""The demo centre never outlives the client that started it, however the client ends.

`make run` starts fundserver beside the window; a clerk who ends the client from the task
manager (SIGKILL here) must not leave a server holding its port and database behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fundserver.process import REPO_ROOT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and /proc")

# The "client": starts the server as demo mode does, prints its pid, then waits to be killed.
CLIENT = """
import sys, time
from pathlib import Path
from fundserver.process import FundServerProcess
server = FundServerProcess(Path(sys.argv[1]), seed="none", with_parent=sys.argv[2] == "1")
print(server.process.pid, flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie nobody has reaped yet counts as ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _server_of_killed_client(folder: Path, with_parent: bool) -> int:
    client = subprocess.Popen(
        [sys.executable, "-c", CLIENT, str(folder), "1" if with_parent else "0"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert client.stdout is not None
    server_pid = int(client.stdout.readline())
    client.send_signal(signal.SIGKILL)
    client.wait(timeout=30)
    client.stdout.close()
    return server_pid


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)  # polling another process's end; not a timed assertion
    return False


def test_server_started_with_parent_stops_when_the_client_is_killed(tmp_path: Path) -> None:
    pid = _server_of_killed_client(tmp_path, with_parent=True)
    try:
        assert _gone_within(pid, 30), "演示服务器在客户端被强行结束后仍在运行"
    finally:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


def test_without_the_tie_the_server_would_outlive_it(tmp_path: Path) -> None:
    """The control: what the tie fixes (a server started for tests runs on its own)."""
    pid = _server_of_killed_client(tmp_path, with_parent=False)
    try:
        assert _alive(pid)
    finally:
        os.kill(pid, signal.SIGKILL)
