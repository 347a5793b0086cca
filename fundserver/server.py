"""Running the app under uvicorn, on a socket the caller already bound (port 0 → a free port)."""

from __future__ import annotations

import socket
from pathlib import Path

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
    return uvicorn.Server(config)


def serve_on_socket(
    app: FastAPI,
    sock: socket.socket,
    *,
    log_level: str = "warning",
    tls: tuple[Path, Path] | None = None,
) -> None:
    """Serve until interrupted (blocks); `make_server(...).run(sockets=[sock])` for control."""
    make_server(app, log_level=log_level, tls=tls).run(sockets=[sock])
