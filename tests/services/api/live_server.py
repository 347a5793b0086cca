"""Serve an ASGI app in a thread on a free loopback port (uvicorn on a bound socket)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import FastAPI

from fundserver.server import bind_socket, make_server


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Serve the app on 127.0.0.1:<free port> in a thread; yields the base URL."""
    sock = bind_socket("127.0.0.1", 0)
    server = make_server(app)
    # The socket already listens, so clients may connect at once: no wait for startup.
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
