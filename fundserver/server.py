"""Running the app under uvicorn, on a socket the caller already bound (port 0 → a free port)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
import threading
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket; with port 0 the OS picks a free one (read it from getsockname)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def set_nodelay(transport: asyncio.BaseTransport) -> None:
    """Send small replies at once: without TCP_NODELAY each keep-alive reply waits ≈40 ms.

    Nagle's algorithm holds a reply's last small segment back until the client ACKs the one
    before, and the client delays that ACK. asyncio sets the option itself only for sockets whose
    `proto` is IPPROTO_TCP, which a socket made with proto 0 (ours, and uvicorn's) is not;
    uvloop always sets it, but uvloop does not exist on Windows. So: on every accepted connection.
    """
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def _no_delay(protocol: type[asyncio.Protocol]) -> type[asyncio.Protocol]:
    """The HTTP protocol uvicorn chose (h11, httptools…), setting TCP_NODELAY first."""

    def connection_made(self: Any, transport: asyncio.BaseTransport) -> None:
        set_nodelay(transport)
        protocol.connection_made(self, transport)

    return type(f"NoDelay{protocol.__name__}", (protocol,), {"connection_made": connection_made})


class NoDelayServer(uvicorn.Server):
    """A uvicorn server whose accepted connections have TCP_NODELAY, whatever the event loop."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self.config.http_protocol_class = _no_delay(self.config.http_protocol_class)
        await super().startup(sockets=sockets)


def make_server(
    app: FastAPI,
    *,
    log_level: str = "warning",
    access_log: bool = False,
    tls: tuple[Path, Path] | None = None,
) -> uvicorn.Server:
    """A uvicorn server for the app; `tls` = (certificate, key) PEM files serves https."""
    # The access log is off by default: lookup URLs carry ID numbers, which are never logged.
    config = uvicorn.Config(
        app,
        log_level=log_level,
        access_log=access_log,
        lifespan="off",
        ssl_certfile=str(tls[0]) if tls else None,
        ssl_keyfile=str(tls[1]) if tls else None,
    )
    return NoDelayServer(config)


def serve_on_socket(
    app: FastAPI,
    sock: socket.socket,
    *,
    log_level: str = "warning",
    tls: tuple[Path, Path] | None = None,
    exit_with_stdin: bool = False,
) -> None:
    """Serve until interrupted (blocks); `make_server(...).run(sockets=[sock])` for control.

    `exit_with_stdin`: also stop once standard input reaches its end. The process that started
    the server holds the other end of that pipe, and the operating system closes it however that
    process ends (a crash, SIGKILL, Windows' task manager), so the server never outlives it.
    """
    server = make_server(app, log_level=log_level, tls=tls)
    if exit_with_stdin:
        threading.Thread(target=_stop_at_eof, args=(server,), daemon=True).start()
    server.run(sockets=[sock])


def _stop_at_eof(server: uvicorn.Server) -> None:
    """Read standard input to its end (the parent is gone), then ask the server to stop."""
    stdin = sys.stdin.buffer
    while stdin.read(1):  # the parent never writes: this returns only at the end
        pass
    server.should_exit = True
