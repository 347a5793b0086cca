"""Counters that parallel requests cannot race: login throttling and per-unit rate limits.

Every decision reads a count that the same statement wrote (UPDATE … SET n = n + 1 …
RETURNING n), so 64 requests arriving at once get 64 different counts, not 64 zeros.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from fundserver.db import Throttle


def _ensure(session: Session, key: str, quota: int, now: datetime) -> None:
    """Create the key's row if missing, without failing when a parallel request did it first."""
    values: dict[str, Any] = {"key": key, "count": 0, "quota": quota, "level": 0, "last_at": now}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(postgresql.insert(Throttle).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        session.execute(sqlite.insert(Throttle).values(values).on_conflict_do_nothing())
    elif session.get(Throttle, key) is None:  # pragma: no cover - other databases
        session.add(Throttle(**values))
        session.flush()


@dataclass(frozen=True)
class Limit:
    """`quota` attempts are checked; then a block of `first_delay`, doubling up to `max_delay`."""

    prefix: str
    quota: int
    first_delay: timedelta = timedelta(minutes=1)
    max_delay: timedelta = timedelta(minutes=15)
    forget_after: timedelta = timedelta(hours=1)

    def delay(self, level: int) -> timedelta:
        return min(self.max_delay, self.first_delay * (2 ** min(level, 20)))


def blocked_until(session: Session, key: str, now: datetime) -> datetime | None:
    row = session.get(Throttle, key)
    session.expire_all()  # later reads must see other requests' writes, not this snapshot
    if row is None or row.blocked_until is None or row.blocked_until <= now:
        return None
    return row.blocked_until


@dataclass(frozen=True)
class Attempt:
    """One counted attempt: checked if within the quota; `left` = attempts still in the quota."""

    checked: bool
    left: int


def take_attempt(session: Session, key: str, limit: Limit, now: datetime) -> Attempt | None:
    """Count one attempt atomically (None: the key is blocked now)."""
    _ensure(session, key, limit.quota, now)
    not_blocked = or_(Throttle.blocked_until.is_(None), Throttle.blocked_until <= now)
    # Failures long ago are forgotten (the quota and the delay start again).
    session.execute(
        update(Throttle)
        .where(Throttle.key == key, Throttle.last_at < now - limit.forget_after, not_blocked)
        .values(count=0, quota=limit.quota, level=0)
    )
    row = session.execute(
        update(Throttle)
        .where(Throttle.key == key, not_blocked)
        .values(count=Throttle.count + 1, last_at=now)
        .returning(Throttle.count, Throttle.quota)
    ).first()
    if row is None:
        return None
    count, quota = int(row[0]), int(row[1])
    return Attempt(checked=count <= quota, left=quota - count)


def block(session: Session, key: str, limit: Limit, now: datetime) -> datetime:
    """Block the key for its next delay; one more attempt is checked once the block ends."""
    level = session.execute(
        update(Throttle)
        .where(Throttle.key == key)
        .values(level=Throttle.level + 1, quota=Throttle.count + 1)
        .returning(Throttle.level)
    ).scalar_one()
    until = now + limit.delay(int(level) - 1)
    session.execute(update(Throttle).where(Throttle.key == key).values(blocked_until=until))
    return until


def reset(session: Session, key: str, limit: Limit) -> None:
    session.execute(
        update(Throttle)
        .where(Throttle.key == key)
        .values(count=0, quota=limit.quota, level=0, blocked_until=None)
    )


def hit(session: Session, key: str, per_window: int, window: timedelta, now: datetime) -> bool:
    """Count one use in a fixed window atomically; False when the window's allowance is spent."""
    _ensure(session, key, per_window, now)
    start = now - window
    count = session.execute(
        update(Throttle)
        .where(Throttle.key == key)
        .values(
            count=_case_new_window(start),
            last_at=_case_window_start(start, now),
        )
        .returning(Throttle.count)
    ).scalar_one()
    return int(count) <= per_window


def _case_new_window(start: datetime) -> Any:
    return case((Throttle.last_at <= start, 1), else_=Throttle.count + 1)


def _case_window_start(start: datetime, now: datetime) -> Any:
    return case((Throttle.last_at <= start, now), else_=Throttle.last_at)
