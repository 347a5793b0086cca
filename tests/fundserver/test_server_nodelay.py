"""The server answers keep-alive requests at wire speed: TCP_NODELAY on accepted connections.

Without it a keep-alive reply waits ≈40 ms for the client's delayed ACK (Nagle). asyncio sets the
option only on sockets whose proto is IPPROTO_TCP, which ours are not, and uvloop (which always
sets it) does not exist on Windows: so the server sets it on every connection it accepts.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI, Request

from app.services.api.client import CentreClient
from app.services.api.tokens import MemoryTokenStore, TokenPair
from fundserver.server import bind_socket, make_server


def echo_app() -> FastAPI:
    app = FastAPI()

    @app.get("/api/v1/policy")
    def policy(request: Request) -> dict[str, Any]:
        assert request.client is not None
        return {"client_port": request.client.port}

    return app


@pytest.fixture
def server() -> Iterator[tuple[uvicorn.Server, str]]:
    sock = bind_socket("127.0.0.1", 0)
    server = make_server(echo_app())
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def client(url: str) -> CentreClient:
    return CentreClient(url, token_store=MemoryTokenStore(TokenPair("access", "refresh")))


def test_accepted_connections_have_tcp_nodelay(server: tuple[uvicorn.Server, str]) -> None:
    uvicorn_server, url = server
    with client(url) as api:
        api.policy()  # the connection stays open (keep-alive) while it is inspected

        connections = list(uvicorn_server.server_state.connections)
        assert len(connections) == 1
        transport: Any = getattr(connections[0], "transport")  # noqa: B009 - untyped attribute
        sock = transport.get_extra_info("socket")
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0


def test_the_client_keeps_one_connection_for_its_requests(
    server: tuple[uvicorn.Server, str],
) -> None:
    with client(server[1]) as api:
        ports = {api.policy()["client_port"] for _ in range(5)}

    assert len(ports) == 1  # one keep-alive connection, not one per request
