"""Opaque bearer tokens: issued in families, rotated on refresh, revoked on logout or reuse.

A login starts a family. A refresh retires the refresh token it was given and every access
token of the family, and issues a new pair derived from the old refresh token (HMAC), so a
retry with the same old token within the grace window gets the same pair back: a refresh
answer lost on the network does not log the clerk out. A retired refresh token presented
after that window is reuse — someone kept a copy — and revokes the whole family.
Only SHA-256 digests are stored, so a database leak yields no usable token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fundserver.db import Token, Unit
from fundserver.errors import ApiError
from fundserver.security import AuthSettings, token_digest
from fundserver.token_cache import note_revocation


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    refresh_token: str
    expires_in: int
    unit_code: str


def _expired_login() -> ApiError:
    return ApiError(401, "auth_required", "登录已失效，请重新登录")


def _successors(refresh_token: str) -> tuple[str, str]:
    """The pair a refresh of this token issues; only its holder can compute it."""
    key = refresh_token.encode("utf-8")

    def derive(label: bytes) -> str:
        digest = hmac.new(key, label, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    return derive(b"access"), derive(b"refresh")


def issue_tokens(
    session: Session,
    unit: Unit,
    now: datetime,
    settings: AuthSettings,
    *,
    family: str | None = None,
    pair: tuple[str, str] | None = None,
) -> IssuedTokens:
    """A new pair in `family` (a new family for a login); committed."""
    family = family or secrets.token_hex(16)
    access, refresh = pair or (secrets.token_urlsafe(32), secrets.token_urlsafe(32))
    for token, kind, ttl in (
        (access, "access", settings.access_ttl),
        (refresh, "refresh", settings.refresh_ttl),
    ):
        session.add(
            Token(
                token_hash=token_digest(token),
                kind=kind,
                unit_id=unit.id,
                expires_at=now + ttl,
                family=family,
            )
        )
    session.commit()
    return IssuedTokens(access, refresh, int(settings.access_ttl.total_seconds()), unit.unit_code)


def find_token(session: Session, token: str, kind: str, now: datetime) -> Token:
    """The live token row, or a 401 saying whether it is unknown or expired."""
    row = session.scalar(
        select(Token).where(Token.token_hash == token_digest(token), Token.kind == kind)
    )
    if row is None or row.revoked:
        raise _expired_login()
    if row.expires_at <= now:
        raise ApiError(401, "token_expired", "登录已过期，请重新登录")
    return row


def revoke_family(session: Session, row: Token) -> None:
    """Revoke every token of the row's login (just the row for a token made before families)."""
    if row.family is None:
        session.execute(update(Token).where(Token.id == row.id).values(revoked=True))
    else:
        session.execute(update(Token).where(Token.family == row.family).values(revoked=True))


def refresh_tokens(
    session: Session, refresh_token: str, now: datetime, settings: AuthSettings
) -> IssuedTokens:
    """Rotate the refresh token (see the module docstring); 401 if it is not usable."""
    digest = token_digest(refresh_token)
    row = session.scalar(select(Token).where(Token.token_hash == digest, Token.kind == "refresh"))
    if row is None:
        raise _expired_login()
    unit = session.get(Unit, row.unit_id)
    if unit is None:
        raise _expired_login()
    if not row.revoked and row.expires_at <= now:
        raise ApiError(401, "token_expired", "登录已过期，请重新登录")
    # Retire the old token in the statement that checks it is live: of two parallel refreshes
    # with one token, exactly one rotates and the other answers with the same new pair.
    rotated = session.execute(
        update(Token)
        .where(Token.id == row.id, Token.revoked.is_(False))
        .values(revoked=True, rotated_at=now)
    )
    if getattr(rotated, "rowcount", 0) == 1:
        family = row.family or secrets.token_hex(16)
        session.execute(
            update(Token).where(Token.family == family, Token.kind == "access").values(revoked=True)
        )
        try:
            return issue_tokens(
                session, unit, now, settings, family=family, pair=_successors(refresh_token)
            )
        finally:
            note_revocation()  # the family's access tokens are revoked
    session.rollback()
    return _again(session, refresh_token, unit, now, settings)


def _again(
    session: Session, refresh_token: str, unit: Unit, now: datetime, settings: AuthSettings
) -> IssuedTokens:
    """The same old refresh token again: the same pair within the grace window, else reuse."""
    row = session.scalar(select(Token).where(Token.token_hash == token_digest(refresh_token)))
    assert row is not None
    if row.rotated_at is None:  # revoked by a logout (or a reuse), never rotated
        raise _expired_login()
    access, refresh = _successors(refresh_token)
    issued = {
        t.kind: t
        for t in session.scalars(
            select(Token).where(Token.token_hash.in_([token_digest(access), token_digest(refresh)]))
        )
    }
    live = len(issued) == 2 and not any(t.revoked for t in issued.values())
    in_grace = now - row.rotated_at <= settings.refresh_grace
    if live and in_grace:
        left = int((issued["access"].expires_at - now).total_seconds())
        return IssuedTokens(access, refresh, max(0, left), unit.unit_code)
    revoke_family(session, row)
    session.commit()
    note_revocation()
    raise ApiError(
        401, "auth_required", "此登录的刷新令牌已被使用过，为安全起见登录已作废，请重新登录"
    )


def logout(session: Session, tokens: list[str]) -> None:
    """Revoke the logins these tokens belong to (unknown tokens are ignored)."""
    digests = [token_digest(t) for t in tokens if t]
    if not digests:
        return
    for row in list(session.scalars(select(Token).where(Token.token_hash.in_(digests)))):
        revoke_family(session, row)
    session.commit()
    note_revocation()
