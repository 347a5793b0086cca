"""POST /auth/login and /auth/refresh."""

from __future__ import annotations

from fastapi import APIRouter

from fundserver.db import Unit
from fundserver.deps import SessionDep, StateDep
from fundserver.errors import ERROR_RESPONSES, ApiError, ErrorResponse
from fundserver.schemas import LoginRequest, RefreshRequest, TokenResponse
from fundserver.security import check_login, find_token, issue_tokens

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post(
    "/login",
    response_model=TokenResponse,
    responses={**ERROR_RESPONSES, 423: {"model": ErrorResponse, "description": "账号已锁定"}},
)
def login(body: LoginRequest, state: StateDep, session: SessionDep) -> TokenResponse:
    """单位账号 + 密码登录，返回短期访问令牌与刷新令牌。"""
    now = state.clock()
    unit = check_login(session, body.unit_code.strip(), body.password, now, state.auth)
    issued = issue_tokens(session, unit, now, state.auth)
    return TokenResponse(
        access_token=issued.access_token,
        refresh_token=issued.refresh_token,
        expires_in=issued.expires_in,
        unit_code=issued.unit_code,
    )


@router.post("/refresh", response_model=TokenResponse, responses=ERROR_RESPONSES)
def refresh(body: RefreshRequest, state: StateDep, session: SessionDep) -> TokenResponse:
    """用刷新令牌换一对新令牌；旧的刷新令牌随即作废。"""
    now = state.clock()
    old = find_token(session, body.refresh_token, "refresh", now)
    old.revoked = True
    unit = session.get(Unit, old.unit_id)
    if unit is None:
        raise ApiError(401, "auth_required", "登录已失效，请重新登录")
    issued = issue_tokens(session, unit, now, state.auth)
    return TokenResponse(
        access_token=issued.access_token,
        refresh_token=issued.refresh_token,
        expires_in=issued.expires_in,
        unit_code=issued.unit_code,
    )
