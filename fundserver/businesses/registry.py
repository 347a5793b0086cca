"""The plug-in points: what each business checks on submission, and what approving it changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from fundserver.db import Submission, Unit

# An effect applies an approved submission inside the reviewer's transaction and returns what
# the unit should see as the result (e.g. new account numbers), or None.
Effect = Callable[[Session, Submission], dict[str, Any] | None]

_EFFECTS: dict[str, Effect] = {}


@dataclass(frozen=True)
class RowProblem:
    """One row the centre refuses: its number (from 1), the field, and why, in Chinese."""

    row: int
    field: str | None
    message: str


@dataclass(frozen=True)
class CheckContext:
    """What a row check may consult: the submitting unit, today, and the centre's policy."""

    session: Session
    unit: Unit
    today: date
    policy: dict[str, Any]
    # The submission being checked again (at approval), so it does not conflict with itself.
    submission_id: int | None = None


# A check looks at every row against the centre's records and lists the rows it refuses.
Check = Callable[[CheckContext, list[dict[str, Any]]], list[RowProblem]]

_CHECKS: dict[str, Check] = {}


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


def register_check(business: str) -> Callable[[Check], Check]:
    """Decorator: `@register_check("seal")` checks each seal row when it is submitted."""

    def wrap(check: Check) -> Check:
        if business in _CHECKS:
            raise ValueError(f"business {business!r} already has a row check")
        _CHECKS[business] = check
        return check

    return wrap


def effect_for(business: str) -> Effect | None:
    return _EFFECTS.get(business)


def check_for(business: str) -> Check | None:
    return _CHECKS.get(business)


def registered() -> list[str]:
    return sorted(_EFFECTS)
