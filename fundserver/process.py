"""Start fundserver as a separate process on a free loopback port and read its address.

Used by the end-to-end tests and by the client's demo mode: `python -m fundserver serve
--port 0` binds a free port and prints `fundserver listening on http://127.0.0.1:PORT` first.
"""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

REPO_ROOT = Path(__file__).resolve().parents[1]
READY_PREFIX = "fundserver listening on "


class FundServerStartError(RuntimeError):
    """The server process exited or stayed silent instead of printing its address."""


def _pump(stream: IO[str], lines: queue.Queue[str]) -> None:
    """Read the server's stdout to the end so its pipe never fills up."""
    for line in stream:
        lines.put(line)
    lines.put("")


class FundServerProcess:
    """One `python -m fundserver serve` process with its database and attachments in `folder`."""

    # The database each folder's server was first started on, so that a restart on the same
    # folder (`FundServerProcess(folder, seed="none", port=…)`) finds the same data.
    _databases: dict[Path, str] = {}

    def __init__(
        self,
        folder: Path,
        *,
        seed: str = "demo",
        port: int = 0,
        start_timeout: float = 60.0,
        database_url: str | None = None,
        tls: tuple[Path, Path] | None = None,
        with_parent: bool = False,
    ) -> None:
        """Start the server; `port=0` picks a free port, a given port restarts on the same URL.

        The database is SQLite in `folder` unless `database_url` names another (PostgreSQL);
        `tls` = (certificate, key) PEM files serves https. `with_parent`: the server stops when
        this process ends, however it ends (it watches a pipe the OS closes for us).
        """
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        key = folder.resolve()
        self.database_url = (
            database_url or self._databases.get(key) or f"sqlite:///{folder / 'centre.db'}"
        )
        self._databases[key] = self.database_url
        self.log_path = folder / "server.log"
        self._stderr = self.log_path.open("a", encoding="utf-8")
        command = [
            sys.executable, "-m", "fundserver", "serve",
            "--host", "127.0.0.1", "--port", str(port), "--seed", seed,
            "--database", self.database_url, "--storage", str(folder / "attachments"),
        ]  # fmt: skip
        if tls is not None:
            command += ["--tls-cert", str(tls[0]), "--tls-key", str(tls[1])]
        if with_parent:
            command.append("--with-parent")
        self.process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE if with_parent else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
        )
        assert self.process.stdout is not None
        self.output: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(
            target=_pump, args=(self.process.stdout, self.output), daemon=True
        )
        self._reader.start()
        self.url = self._await_ready(start_timeout)
        self.port = int(self.url.rsplit(":", 1)[1])

    def _await_ready(self, timeout: float) -> str:
        try:
            first = self.output.get(timeout=timeout)
        except queue.Empty:
            first = ""
        if not first.startswith(READY_PREFIX):
            self.stop()
            log = self.log_path.read_text(encoding="utf-8")
            raise FundServerStartError(f"fundserver did not start: {first!r}\n{log}")
        return first[len(READY_PREFIX) :].strip()

    def review(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run the reviewer's command line (后台审核) against this server's database."""
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
        """Kill the server (as a crash would) and reap it; safe to call twice."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)
        if self.process.stdin is not None:
            self.process.stdin.close()
        self._reader.join(timeout=30)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._stderr.close()
