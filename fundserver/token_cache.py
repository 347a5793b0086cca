"""Recently checked access tokens, so that a request does not read the tokens table each time.

A sync sends a few requests a second with one access token; each read the token's row (and a
GET /policy did nothing else with the database). The cache keeps, per token digest (SHA-256,
the same key the table uses: the token itself is never kept), the unit and the expiry it read.

Exact within this process: every revocation (logout, refresh, a reused refresh token) bumps a
generation after its commit, and an entry read before that bump is never used again. An entry
also lives at most `TTL` seconds, which bounds how long a revocation made by another process
on the same database (a second server process) goes unseen.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime

TTL = 5.0  # seconds an entry is trusted (monotonic clock)
MAX_ENTRIES = 10_000

_generation = 0
_generation_lock = threading.Lock()


def note_revocation() -> None:
    """Call after committing a revocation: no entry read before it is used again."""
    global _generation
    with _generation_lock:
        _generation += 1


def generation() -> int:
    """Read before the token's row is read; the entry is stored with it."""
    return _generation


@dataclass(frozen=True)
class CachedToken:
    unit_id: int
    expires_at: datetime
    generation: int
    stored_at: float


class TokenCache:
    """digest → (unit, expiry) of live access tokens, checked against revocations and a TTL."""

    def __init__(self, ttl: float = TTL) -> None:
        self.ttl = ttl
        self._entries: dict[str, CachedToken] = {}
        self._lock = threading.Lock()

    def get(self, digest: str) -> CachedToken | None:
        entry = self._entries.get(digest)
        if entry is None:
            return None
        if entry.generation != _generation or time.monotonic() - entry.stored_at > self.ttl:
            with self._lock:
                self._entries.pop(digest, None)
            return None
        return entry

    def put(self, digest: str, unit_id: int, expires_at: datetime, read_at: int) -> None:
        """Remember a live token read while the generation was `read_at`."""
        if read_at != _generation:
            return  # a revocation was committed meanwhile: what was read may be stale
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[digest] = CachedToken(unit_id, expires_at, read_at, time.monotonic())
