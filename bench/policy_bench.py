"""One `GET /api/v1/policy` over a keep-alive connection, loopback, each server its own process.

    .venv/bin/python bench/policy_bench.py [--requests 200]

Prints the median and p99 per request of
  fundserver now      `fundserver.server.make_server` (TCP_NODELAY on every accepted connection)
  fundserver before   the same app under a plain `uvicorn.Server` on the same kind of socket
  bare app            a bare FastAPI app returning the same JSON, `uvicorn` binding host:port itself
and the ratios now / bare and before / now, each with two clients on one keep-alive
connection: a `requests.Session` (what `CentreClient` uses; its own cost per request is about
as large as the server's here) and a lean `http.client.HTTPConnection`, which shows what the
server itself answers in. Logged in to the demo unit first. Also the median recorded before the
route was made cheap (an async route, the token check cached, the body encoded once with an
ETag, httptools), beside the ratio. Issue 12's target: ≤ 2 ms. No assertions.
"""

from __future__ import annotations

import argparse
import http.client
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

# Recorded with this script before the route was made cheap (2026-11-28, shared 2-core machine
# at load ≈ 3-4): "fundserver now" 8.4 ms, the bare app 4.3 ms beside it.
BEFORE_MS, BEFORE_BARE_MS = 8.4, 4.3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _serve(kind: str, folder: Path) -> None:
    """The child: start one server and print its port on the first line."""
    import uvicorn
    from fastapi import FastAPI

    from fundserver.app import create_app
    from fundserver.db import make_sessionmaker
    from fundserver.demo import seed_demo
    from fundserver.policy import load_policy, served_policy
    from fundserver.server import bind_socket, make_server

    if kind == "bare":
        body = served_policy(load_policy(None))
        bare = FastAPI()
        bare.get("/api/v1/policy")(lambda: body)
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        print(port, flush=True)
        uvicorn.run(bare, host="127.0.0.1", port=port, log_level="warning", access_log=False)
        return
    app = create_app(f"sqlite:///{folder / 'centre.db'}", storage_dir=folder / "attachments")
    seed_demo(make_sessionmaker(app.state.engine)())
    sock = bind_socket("127.0.0.1", 0)
    print(sock.getsockname()[1], flush=True)
    if kind == "now":
        server = make_server(app)
    else:
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
        server = uvicorn.Server(config)
    server.run(sockets=[sock])


def _measure(kind: str, count: int, folder: Path) -> dict[str, list[float]]:
    """Per-request seconds with each client: {"requests": [...], "http.client": [...]}."""
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", kind, "--folder", str(folder)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        port = int(child.stdout.readline())
        base = f"http://127.0.0.1:{port}/api/v1"
        times: dict[str, list[float]] = {"requests": [], "http.client": []}
        with requests.Session() as session:
            session.headers["Accept"] = "application/json"
            _ready(session, base, kind)
            for _ in range(count):
                started = time.perf_counter()
                response = session.get(f"{base}/policy", timeout=10)
                times["requests"].append(time.perf_counter() - started)
                response.raise_for_status()
            headers = dict(session.headers)
        lean = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            for _ in range(count + 1):  # the first one opens the connection: not counted
                started = time.perf_counter()
                lean.request("GET", "/api/v1/policy", headers=headers)
                answer = lean.getresponse()
                answer.read()
                times["http.client"].append(time.perf_counter() - started)
                if answer.status != 200:
                    raise SystemExit(f"{kind}: HTTP {answer.status}")
        finally:
            lean.close()
        times["http.client"].pop(0)
        return times
    finally:
        child.kill()
        child.wait()


def _ready(session: requests.Session, base: str, kind: str) -> None:
    for _ in range(200):  # the bare app binds after printing its port
        try:
            if kind != "bare":
                login = {"unit_code": "100001", "password": "demo1234"}
                token = session.post(f"{base}/auth/login", json=login, timeout=10).json()
                session.headers["Authorization"] = f"Bearer {token['access_token']}"
            session.get(f"{base}/policy", timeout=10).raise_for_status()  # and warm up
            return
        except requests.ConnectionError:
            time.sleep(0.05)
    raise SystemExit(f"{kind} server did not answer")


def _figures(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.99) - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--serve", choices=["now", "before", "bare"])
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()
    if args.serve:
        _serve(args.serve, args.folder)
        return
    print(f"GET /api/v1/policy, keep-alive, {args.requests} requests (median / p99 ms)")
    print(f"  {'':<18} {'requests':>17} {'http.client':>17}")
    medians: dict[tuple[str, str], float] = {}
    for kind, label in (
        ("now", "fundserver now"),
        ("before", "fundserver before"),
        ("bare", "bare app"),
    ):
        with tempfile.TemporaryDirectory(prefix="policy-bench-") as tmp:
            measured = _measure(kind, args.requests, Path(tmp))
        row = f"  {label:<18}"
        for client, times in measured.items():
            median, p99 = _figures(times)
            medians[kind, client] = median
            row += f" {median:7.2f} / {p99:7.2f}"
        print(row)
    for client in ("requests", "http.client"):
        now, bare = medians["now", client], medians["bare", client]
        print(
            f"  {client:<12} ratio now / bare app: {now / bare:.2f}×; "
            f"before / now: {medians['before', client] / now:.1f}×"
        )
    print(
        f"  recorded before this route was made cheap (requests): {BEFORE_MS} ms beside a bare "
        f"{BEFORE_BARE_MS} ms ({BEFORE_MS / BEFORE_BARE_MS:.2f}×); now / bare app "
        f"{medians['now', 'requests'] / medians['bare', 'requests']:.2f}×"
    )


if __name__ == "__main__":
    main()
