"""Where the client keeps its tokens: a small protocol the OS keyring backs in the product."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class TokenPair:
    """The tokens of one login. Their repr hides them, so logging the object leaks nothing."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    unit_code: str = ""


class TokenStore(Protocol):
    """get / set / clear the current tokens (the lead backs this with the OS keyring)."""

    def get(self) -> TokenPair | None: ...

    def set(self, tokens: TokenPair) -> None: ...

    def clear(self) -> None: ...


class MemoryTokenStore:
    """Tokens kept in memory only: for tests and for a session that must not remember."""

    def __init__(self, tokens: TokenPair | None = None) -> None:
        self._tokens = tokens

    def get(self) -> TokenPair | None:
        return self._tokens

    def set(self, tokens: TokenPair) -> None:
        self._tokens = tokens

    def clear(self) -> None:
        self._tokens = None
