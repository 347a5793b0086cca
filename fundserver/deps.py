"""What every route needs: the server's settings, a database session, the calling unit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from fundserver.db import Unit
from fundserver.errors import ApiError
from fundserver.policy import PolicyBody
from fundserver.schemas import ClientVersions
from fundserver.security import AuthSettings, token_digest
from fundserver.token_cache import TokenCache, generation
from fundserver.tokens import find_token


@dataclass
class ServerState:
    sessions: sessionmaker[Session]
    policy: dict[str, Any]
    auth: AuthSettings
    storage_dir: Path
    clock: Callable[[], datetime]
    client_versions: ClientVersions = field(default_factory=ClientVersions)
    tokens: TokenCache = field(default_factory=TokenCache)
    policy_body: PolicyBody = field(default_factory=PolicyBody)


async def get_state(request: Request) -> ServerState:  # async: no worker thread for this
    state = request.app.state.fund
    assert isinstance(state, ServerState)
    return state


def get_session(state: Annotated[ServerState, Depends(get_state)]) -> Iterator[Session]:
    with state.sessions() as session:
        yield session


bearer = HTTPBearer(auto_error=False, description="登录返回的 access_token")


def _bearer_token(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None or not credentials.credentials:
        raise ApiError(401, "auth_required", "请先登录", headers={"WWW-Authenticate": "Bearer"})
    return credentials.credentials


def _cached_unit_id(state: ServerState, token: str) -> int | None:
    """The token's unit if it was checked recently and is not revoked since; 401 if expired."""
    cached = state.tokens.get(token_digest(token))
    if cached is None:
        return None
    if cached.expires_at <= state.clock():
        raise ApiError(
            401,
            "token_expired",
            "登录已过期，请重新登录",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return cached.unit_id


def _read_unit_id(state: ServerState, session: Session, token: str) -> int:
    """The token's unit from the tokens table (401 if unknown, revoked or expired); cached."""
    read_at = generation()  # before the read: a revocation committed after it voids the entry
    try:
        row = find_token(session, token, "access", state.clock())
    except ApiError as exc:
        exc.headers = {"WWW-Authenticate": "Bearer"}
        raise
    state.tokens.put(token_digest(token), row.unit_id, row.expires_at, read_at)
    return row.unit_id


def current_unit(
    state: Annotated[ServerState, Depends(get_state)],
    session: Annotated[Session, Depends(get_session)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Unit:
    token = _bearer_token(credentials)
    unit_id = _cached_unit_id(state, token)
    if unit_id is None:
        unit_id = _read_unit_id(state, session, token)
    return unit_of(session, unit_id)


def unit_of(session: Session, unit_id: int) -> Unit:
    """The signed-in unit's row (401 if it is gone), for a route that reads it on its worker."""
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise ApiError(401, "auth_required", "登录已失效，请重新登录")
    return unit


def _read_unit_id_in_own_session(state: ServerState, token: str) -> int:
    with state.sessions() as session:
        return _read_unit_id(state, session, token)


async def signed_in_unit_id(
    state: Annotated[ServerState, Depends(get_state)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> int:
    """The calling unit's id, for routes that need no more of it: on the event loop, no
    database session, no worker thread while the token is in the cache."""
    token = _bearer_token(credentials)
    unit_id = _cached_unit_id(state, token)
    if unit_id is None:
        unit_id = await run_in_threadpool(_read_unit_id_in_own_session, state, token)
    return unit_id


StateDep = Annotated[ServerState, Depends(get_state)]
SessionDep = Annotated[Session, Depends(get_session)]
UnitDep = Annotated[Unit, Depends(current_unit)]
UnitIdDep = Annotated[int, Depends(signed_in_unit_id)]
