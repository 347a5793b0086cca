"""The plug-in point: what approving a submission of each business changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from fundserver.db import Submission

# An effect applies an approved submission inside the reviewer's transaction and returns what
# the unit should see as the result (e.g. new account numbers), or None.
Effect = Callable[[Session, Submission], dict[str, Any] | None]

_EFFECTS: dict[str, Effect] = {}


class EffectError(Exception):
    """The submission cannot take effect as it stands; the Chinese message says why."""


def register(business: str) -> Callable[[Effect], Effect]:
    """Decorator: `@register("seal")` makes the function the effect of approving a seal."""

    def wrap(effect: Effect) -> Effect:
        if business in _EFFECTS:
            raise ValueError(f"business {business!r} already has an approval effect")
        _EFFECTS[business] = effect
        return effect

    return wrap


def effect_for(business: str) -> Effect | None:
    return _EFFECTS.get(business)


def registered() -> list[str]:
    return sorted(_EFFECTS)
