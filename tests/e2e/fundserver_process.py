"""fundserver as a separate process on a free loopback port (used by tests/e2e/conftest.py).

`python -m fundserver serve --port 0` binds a free port and prints
`fundserver listening on http://127.0.0.1:PORT` first; the fixtures read that line.
"""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
READY_PREFIX = "fundserver listening on "
START_TIMEOUT = 60.0


@dataclass(frozen=True)
class DemoCredentials:
    unit_code: str
    password: str


def _pump(stream: IO[str], lines: queue.Queue[str]) -> None:
    """Read the server's stdout to the end so its pipe never fills up."""
    for line in stream:
        lines.put(line)
    lines.put("")


class FundServerProcess:
    """One `python -m fundserver serve` process with the demo data in its own database."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.database_url = f"sqlite:///{folder / 'centre.db'}"
        self._stderr = (folder / "server.log").open("w", encoding="utf-8")
        command = [
            sys.executable, "-m", "fundserver", "serve",
            "--host", "127.0.0.1", "--port", "0", "--seed", "demo",
            "--database", self.database_url, "--storage", str(folder / "attachments"),
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
        )
        assert self.process.stdout is not None
        self._lines: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(
            target=_pump, args=(self.process.stdout, self._lines), daemon=True
        )
        self._reader.start()
        self.url = self._await_ready(folder / "server.log")

    def _await_ready(self, log: Path) -> str:
        try:
            first = self._lines.get(timeout=START_TIMEOUT)
        except queue.Empty:
            first = ""
        if not first.startswith(READY_PREFIX):
            self.stop()
            pytest.fail(f"fundserver did not start: {first!r}\n{log.read_text(encoding='utf-8')}")
        return first[len(READY_PREFIX) :].strip()

    def review(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run the reviewer's command line against this server's database."""
        return subprocess.run(
            [sys.executable, "-m", "fundserver", "review", *args, "--database", self.database_url],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
            timeout=60,
        )

    def stop(self) -> None:
        """Kill the server (as a crash would) and reap it."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)
        self._reader.join(timeout=30)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._stderr.close()
