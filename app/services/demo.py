"""Demo mode: the bundled reference centre server (fundserver) on loopback, with demo data.

`make run` starts the client this way, so the whole flow works on a PC with no network.
"""

from __future__ import annotations

import atexit
import logging
import re
import selectors
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from app.errors import OfflineError

logger = logging.getLogger(__name__)

_LISTENING = re.compile(r"fundserver listening on (http://\S+)")
DEMO_UNIT_CODE = "100001"
DEMO_UNIT_NAME = "开封示范科技有限公司"
# Printed on the login dialog in demo mode; a demo password is not a secret.
DEMO_PASSWORD = "demo1234"


@dataclass
class DemoServer:
    url: str
    process: subprocess.Popen[str]
    database: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_demo_server(folder: Path, *, timeout: float = 30.0) -> DemoServer:
    """Start fundserver on a free loopback port with the demo centre's data (kept in `folder`)."""
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "demo-centre.sqlite3"
    command = [
        sys.executable,
        "-m",
        "fundserver",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--seed",
        "demo",
        "--database",
        f"sqlite:///{database}",
        "--storage",
        str(folder / "demo-centre-files"),
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8"
    )
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    while time.monotonic() < deadline:
        if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
            break
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line.rstrip())
        match = _LISTENING.search(line)
        if match:
            selector.close()
            # Keep reading its output, or a full pipe would one day stall the server.
            threading.Thread(target=_drain, args=(process,), daemon=True).start()
            server = DemoServer(match.group(1), process, database)
            atexit.register(server.stop)
            logger.info("demo centre server at %s", server.url)
            return server
    process.kill()
    detail = "；".join(seen[-3:]) or "没有输出"
    raise OfflineError(f"演示服务器未能启动（{detail}）。")


def _drain(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        logger.debug("fundserver: %s", line.rstrip())
