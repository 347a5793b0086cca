"""Passwords (argon2), opaque bearer tokens stored hashed, and login throttling.

Login attempts are counted atomically per (unit code, client address), per unit code and per
client address (fundserver/throttle.py), before the password is checked: parallel requests
cannot all slip under the limit, and an unknown unit code is counted and answered exactly like
a known one. Over the limit the key is blocked for a delay that doubles with each block, so a
stranger cannot lock a unit out from everywhere with five requests.
"""

from __future__ import annotations

import functools
import hashlib
import math
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fundserver.db import Throttle, Unit
from fundserver.errors import ApiError
from fundserver.throttle import Limit, block, blocked_until, reset, take_attempt

_hasher = PasswordHasher()

MAX_FAILED_LOGINS = 5

# Parallel logins in this process take their turn at the throttle's counters here, instead of
# all polling SQLite's write lock (its busy handler sleeps and retries with no queue: under
# load, 64 attempts at once starved one past the busy timeout, a 500). The counters stay
# atomic in SQL for other processes on the same database.
_counting = threading.Lock()


@dataclass(frozen=True)
class AuthSettings:
    access_ttl: timedelta = timedelta(minutes=15)
    refresh_ttl: timedelta = timedelta(hours=8)
    # A refresh retried with the same old token within this time gets the same new pair.
    refresh_grace: timedelta = timedelta(seconds=60)
    per_unit_and_address: Limit = field(default_factory=lambda: Limit("pair", MAX_FAILED_LOGINS))
    per_unit: Limit = field(default_factory=lambda: Limit("unit", 50))
    per_address: Limit = field(default_factory=lambda: Limit("addr", 20))
    # Centre-wide person lookups (内部转移) a unit may make per minute.
    lookups_per_minute: int = 30


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


def _throttled(until: datetime | None, now: datetime) -> ApiError:
    wait = f"请 {_minutes_left(until, now)} 分钟后再试" if until else "请稍后再试"
    seconds = max(1, math.ceil((until - now).total_seconds())) if until else 60
    return ApiError(
        429,
        "login_throttled",
        f"登录失败次数过多，{wait}",
        headers={"Retry-After": str(seconds)},
    )


def _keys(unit_code: str, address: str, settings: AuthSettings) -> list[tuple[str, Limit]]:
    return [
        (f"pair:{unit_code}|{address}", settings.per_unit_and_address),
        (f"unit:{unit_code}", settings.per_unit),
        (f"addr:{address}", settings.per_address),
    ]


def check_login(
    session: Session,
    unit_code: str,
    password: str,
    address: str,
    now: datetime,
    settings: AuthSettings,
) -> Unit:
    """The unit if the password is right; 401 if not, 429 while too many attempts failed."""
    keys = _keys(unit_code, address, settings)
    with _counting:
        blocks = [u for key, _ in keys if (u := blocked_until(session, key, now)) is not None]
        if blocks:
            raise _throttled(max(blocks), now)
        attempts = [take_attempt(session, key, limit, now) for key, limit in keys]
        session.commit()  # parallel requests must see these counts before any password is checked
    if not all(a is not None and a.checked for a in attempts):
        session.rollback()
        raise _throttled(None, now)
    unit = session.scalar(select(Unit).where(Unit.unit_code == unit_code))
    # An unknown unit costs the same hash and gets the same answer, so codes cannot be probed.
    right = _verify_password(unit.password_hash if unit else _dummy_hash(), password)
    if unit is not None and right:
        _forgive(session, keys)
        return unit
    spent = [
        (key, limit) for (key, limit), a in zip(keys, attempts, strict=True) if a and a.left <= 0
    ]
    if spent:
        with _counting:
            until = max(block(session, key, limit, now) for key, limit in spent)
            session.commit()
        raise _throttled(until, now)
    left = min(a.left for a in attempts if a is not None)
    raise ApiError(401, "invalid_credentials", f"单位账号或密码错误，还可尝试 {left} 次")


def _forgive(session: Session, keys: list[tuple[str, Limit]]) -> None:
    """A right password: its pair starts afresh, and its attempt is not a failure elsewhere."""
    pair_key, pair_limit = keys[0]
    reset(session, pair_key, pair_limit)
    for key, _ in keys[1:]:
        session.execute(
            update(Throttle)
            .where(Throttle.key == key, Throttle.count > 0)
            .values(count=Throttle.count - 1)
        )
