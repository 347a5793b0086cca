"""POST /auth/login, /auth/refresh and /auth/logout."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials

from fundserver.deps import SessionDep, StateDep, bearer
from fundserver.errors import ERROR_RESPONSES, ErrorResponse
from fundserver.schemas import LoginRequest, LogoutRequest, RefreshRequest, TokenResponse
from fundserver.security import check_login
from fundserver.tokens import IssuedTokens, issue_tokens, logout, refresh_tokens

router = APIRouter(prefix="/auth", tags=["auth"])


def _response(issued: IssuedTokens) -> TokenResponse:
    return TokenResponse(
        access_token=issued.access_token,
        refresh_token=issued.refresh_token,
        expires_in=issued.expires_in,
        unit_code=issued.unit_code,
    )


@router.post(
    "/login",
    response_model=TokenResponse,
    responses={
        **ERROR_RESPONSES,
        429: {"model": ErrorResponse, "description": "失败次数过多，暂停登录（Retry-After 秒）"},
    },
)
def login(
    body: LoginRequest, request: Request, state: StateDep, session: SessionDep
) -> TokenResponse:
    """单位账号 + 密码登录，返回短期访问令牌与刷新令牌。

    失败按“单位账号 + 客户端地址”“单位账号”“客户端地址”分别计数；超过次数后暂停登录，
    暂停时间逐次加倍（429 login_throttled）。不存在的单位账号与密码错误的回答完全相同。
    """
    now = state.clock()
    address = request.client.host if request.client else "unknown"
    unit = check_login(session, body.unit_code.strip(), body.password, address, now, state.auth)
    return _response(issue_tokens(session, unit, now, state.auth))


@router.post("/refresh", response_model=TokenResponse, responses=ERROR_RESPONSES)
def refresh(body: RefreshRequest, state: StateDep, session: SessionDep) -> TokenResponse:
    """用刷新令牌换一对新令牌；旧的刷新令牌与访问令牌随即作废。

    在宽限时间（60 秒）内用同一旧令牌重试，得到同一对新令牌；此后再用旧令牌视为被盗用，
    这次登录的所有令牌一并作废。
    """
    return _response(refresh_tokens(session, body.refresh_token, state.clock(), state.auth))


@router.post("/logout", status_code=204, response_class=Response, responses=ERROR_RESPONSES)
def logout_route(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    body: LogoutRequest | None = None,
) -> Response:
    """退出登录：作废访问令牌（Authorization 头）和/或刷新令牌（请求体）所属登录的全部令牌。"""
    tokens = [credentials.credentials if credentials else "", body.refresh_token if body else ""]
    logout(session, [t for t in tokens if t])
    return Response(status_code=204)
