"""Passwords (argon2), opaque bearer tokens stored hashed, and login lockout."""

from __future__ import annotations

import functools
import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundserver.db import Token, Unit
from fundserver.errors import ApiError

_hasher = PasswordHasher()

MAX_FAILED_LOGINS = 5


@dataclass(frozen=True)
class AuthSettings:
    access_ttl: timedelta = timedelta(minutes=15)
    refresh_ttl: timedelta = timedelta(hours=8)
    lockout: timedelta = timedelta(minutes=15)
    max_failed_logins: int = MAX_FAILED_LOGINS


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    refresh_token: str
    expires_in: int
    unit_code: str


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@functools.cache
def _dummy_hash() -> str:
    return hash_password("no such unit")


def _minutes_left(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


def _bad_credentials() -> ApiError:
    return ApiError(401, "invalid_credentials", "单位账号或密码错误")


def check_login(
    session: Session, unit_code: str, password: str, now: datetime, settings: AuthSettings
) -> Unit:
    """The unit if the password is right; counts failures and locks after too many."""
    unit = session.scalar(select(Unit).where(Unit.unit_code == unit_code))
    if unit is None:
        # Same answer as a wrong password, and the same cost, so unit codes cannot be probed.
        _verify_password(_dummy_hash(), password)
        raise _bad_credentials()
    if unit.locked_until is not None and unit.locked_until > now:
        minutes = _minutes_left(unit.locked_until, now)
        raise ApiError(
            423,
            "account_locked",
            f"密码连续错误次数过多，账号已锁定，请 {minutes} 分钟后再试",
        )
    if not _verify_password(unit.password_hash, password):
        unit.failed_logins += 1
        if unit.failed_logins >= settings.max_failed_logins:
            unit.failed_logins = 0
            unit.locked_until = now + settings.lockout
            session.commit()
            minutes = _minutes_left(unit.locked_until, now)
            raise ApiError(
                423,
                "account_locked",
                f"密码连续错误 {settings.max_failed_logins} 次，账号已锁定，"
                f"请 {minutes} 分钟后再试",
            )
        left = settings.max_failed_logins - unit.failed_logins
        session.commit()
        raise ApiError(401, "invalid_credentials", f"单位账号或密码错误，还可尝试 {left} 次")
    unit.failed_logins = 0
    unit.locked_until = None
    return unit


def issue_tokens(
    session: Session, unit: Unit, now: datetime, settings: AuthSettings
) -> IssuedTokens:
    access = secrets.token_urlsafe(32)
    refresh = secrets.token_urlsafe(32)
    session.add_all(
        [
            Token(
                token_hash=token_digest(access),
                kind="access",
                unit_id=unit.id,
                expires_at=now + settings.access_ttl,
            ),
            Token(
                token_hash=token_digest(refresh),
                kind="refresh",
                unit_id=unit.id,
                expires_at=now + settings.refresh_ttl,
            ),
        ]
    )
    session.commit()
    return IssuedTokens(
        access_token=access,
        refresh_token=refresh,
        expires_in=int(settings.access_ttl.total_seconds()),
        unit_code=unit.unit_code,
    )


def find_token(session: Session, token: str, kind: str, now: datetime) -> Token:
    """The live token row, or a 401 saying whether it is unknown or expired."""
    row = session.scalar(
        select(Token).where(Token.token_hash == token_digest(token), Token.kind == kind)
    )
    if row is None or row.revoked:
        raise ApiError(401, "auth_required", "登录已失效，请重新登录")
    if row.expires_at <= now:
        raise ApiError(401, "token_expired", "登录已过期，请重新登录")
    return row
