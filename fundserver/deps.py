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

from fundserver.db import Unit
from fundserver.errors import ApiError
from fundserver.schemas import ClientVersions
from fundserver.security import AuthSettings
from fundserver.tokens import find_token


@dataclass
class ServerState:
    sessions: sessionmaker[Session]
    policy: dict[str, Any]
    auth: AuthSettings
    storage_dir: Path
    clock: Callable[[], datetime]
    client_versions: ClientVersions = field(default_factory=ClientVersions)


def get_state(request: Request) -> ServerState:
    state = request.app.state.fund
    assert isinstance(state, ServerState)
    return state


def get_session(state: Annotated[ServerState, Depends(get_state)]) -> Iterator[Session]:
    with state.sessions() as session:
        yield session


bearer = HTTPBearer(auto_error=False, description="登录返回的 access_token")


def current_unit(
    state: Annotated[ServerState, Depends(get_state)],
    session: Annotated[Session, Depends(get_session)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Unit:
    if credentials is None or not credentials.credentials:
        raise ApiError(401, "auth_required", "请先登录", headers={"WWW-Authenticate": "Bearer"})
    try:
        token = find_token(session, credentials.credentials, "access", state.clock())
    except ApiError as exc:
        exc.headers = {"WWW-Authenticate": "Bearer"}
        raise
    unit = session.get(Unit, token.unit_id)
    if unit is None:
        raise ApiError(401, "auth_required", "登录已失效，请重新登录")
    return unit


StateDep = Annotated[ServerState, Depends(get_state)]
SessionDep = Annotated[Session, Depends(get_session)]
UnitDep = Annotated[Unit, Depends(current_unit)]
