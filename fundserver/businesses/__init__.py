"""Business rules of the centre: row checks on submission and effects of approval.

Each business's module registers its effect with `@register(code)` and, optionally, its row
check with `@register_check(code)` (see registry.py). An effect is `fn(session, submission)
-> dict | None`: it changes the centre's records inside the reviewer's transaction and returns
a result the unit can see; raise `EffectError` with a Chinese reason to refuse. A check is
`fn(context, rows) -> [RowProblem]`, run when a submission arrives (and before 全部提交 through
POST /submissions/check). A business with neither is accepted and approved with no change.
To add a business: a module here, and one line in `_BUILTIN_MODULES` below.
"""

from fundserver.businesses import accounts as _accounts
from fundserver.businesses import back_payment as _back_payment
from fundserver.businesses import base_change as _base_change
from fundserver.businesses import ratio_change as _ratio_change
from fundserver.businesses import remittance as _remittance
from fundserver.businesses import seal as _seal
from fundserver.businesses import transfer as _transfer
from fundserver.businesses.registry import (
    Check,
    CheckContext,
    Effect,
    EffectError,
    RowProblem,
    check_for,
    effect_for,
    register,
    register_check,
    registered,
)

__all__ = [
    "Check",
    "CheckContext",
    "Effect",
    "EffectError",
    "RowProblem",
    "check_for",
    "effect_for",
    "register",
    "register_check",
    "registered",
]

_BUILTIN_MODULES = (
    _accounts,
    _back_payment,
    _remittance,
    _ratio_change,
    _base_change,
    _seal,
    _transfer,
)
