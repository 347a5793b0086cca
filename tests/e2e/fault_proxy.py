"""A fault-injecting HTTP proxy on loopback, in front of a real fundserver.

Each request, decided by a seeded generator in the order requests arrive, is one of:
- forwarded normally;
- answered 500 without being forwarded (the server never saw it);
- forwarded and THEN answered 500 (the server recorded it, the client thinks it failed — the
  case that proves the client's idempotency);
- stalled past the client's read timeout, then forwarded anyway (the server records a request
  the client already gave up on).
When the server is down (killed by the test) the connection is dropped without an answer.
`on_forwarded(n)` runs after the n-th forwarded request reached the server and before its
answer is read: the test kills the server there, mid-request.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import random
import socket
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from enum import Enum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

HOP_HEADERS = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length"})
INJECTED = json.dumps(
    {"error": {"code": "injected_fault", "message": "注入的故障（测试）", "field": None}}
).encode("utf-8")


class Fault(Enum):
    FORWARD = "forward"
    FAIL_BEFORE = "500 before forwarding"
    FAIL_AFTER = "500 after forwarding"
    STALL = "stall past the timeout"


class FaultProxy:
    """The proxy; `url` is what the client talks to. Use as a context manager."""

    def __init__(
        self,
        upstream_port: int,
        *,
        seed: int,
        rates: Mapping[Fault, float],
        stall_seconds: float,
        on_forwarded: Callable[[int], None] | None = None,
    ) -> None:
        self.upstream_port = upstream_port
        self.rng = random.Random(seed)
        self.rates = dict(rates)
        self.stall_seconds = stall_seconds
        self.on_forwarded = on_forwarded
        self.lock = threading.Lock()
        self.released = threading.Event()  # set on close: stalled requests stop waiting
        self.faults: Counter[Fault] = Counter()
        self.paths: Counter[str] = Counter()
        self.forwarded = 0
        self.dropped = 0  # the server was down: the client's connection was cut
        self.server = _ProxyServer(self)
        self.server.daemon_threads = False  # server_close() waits for every handler
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=30)

    def choose(self, method: str, path: str) -> Fault:
        with self.lock:
            self.paths[f"{method} {path.split('?')[0]}"] += 1
            draw = self.rng.random()
            fault = Fault.FORWARD
            for kind in (Fault.FAIL_BEFORE, Fault.FAIL_AFTER, Fault.STALL):
                draw -= self.rates.get(kind, 0.0)
                if draw < 0:
                    fault = kind
                    break
            self.faults[fault] += 1
            return fault

    def forward(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes] | None:
        """Send the request to the server; its answer, or None when the server is gone."""
        upstream = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=30)
        try:
            upstream.request(method, path, body=body or None, headers=dict(headers))
            with self.lock:
                self.forwarded += 1
                number = self.forwarded
            if self.on_forwarded is not None:
                self.on_forwarded(number)
            response = upstream.getresponse()
            return response.status, response.getheaders(), response.read()
        except (OSError, http.client.HTTPException):
            with self.lock:
                self.dropped += 1
            return None
        finally:
            upstream.close()


class _ProxyServer(ThreadingHTTPServer):
    def __init__(self, proxy: FaultProxy) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.proxy = proxy


class _Handler(BaseHTTPRequestHandler):
    server: _ProxyServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        pass  # quiet: the test prints its own counts

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.relay()

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self.relay()

    def relay(self) -> None:
        proxy = self.server.proxy
        self.close_connection = True
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
        fault = proxy.choose(self.command, self.path)
        if fault is Fault.FAIL_BEFORE:
            self.answer(500, [("Content-Type", "application/json")], INJECTED)
            return
        if fault is Fault.STALL:
            proxy.released.wait(proxy.stall_seconds)  # the client gives up meanwhile
            proxy.forward(self.command, self.path, headers, body)
            self.cut()
            return
        answer = proxy.forward(self.command, self.path, headers, body)
        if answer is None:
            self.cut()
        elif fault is Fault.FAIL_AFTER:
            self.answer(500, [("Content-Type", "application/json")], INJECTED)
        else:
            self.answer(*answer)

    def answer(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        with contextlib.suppress(OSError):  # the client may have given up already
            self.send_response(status)
            for name, value in headers:
                if name.lower() not in HOP_HEADERS | {"date", "server"}:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)

    def cut(self) -> None:
        """Drop the connection without an answer (what a dead server looks like)."""
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
