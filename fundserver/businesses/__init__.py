"""Business effects of approval. Each business registers one with `@register(code)`.

An effect is `fn(session, submission) -> dict | None`: it changes the centre's records inside
the reviewer's transaction (committed by the caller) and returns a result the unit can see.
Raise `EffectError` with a Chinese reason to refuse. A business with no effect registered is
approved with no change (logged). Later issues add theirs in a module imported below.
"""

from fundserver.businesses import accounts as _accounts
from fundserver.businesses import back_payment as _back_payment
from fundserver.businesses import remittance as _remittance
from fundserver.businesses import base_change as _base_change
from fundserver.businesses import ratio_change as _ratio_change
from fundserver.businesses.registry import Effect, EffectError, effect_for, register, registered

__all__ = ["Effect", "EffectError", "effect_for", "register", "registered"]

_BUILTIN_MODULES = (_accounts, _back_payment, _remittance, _ratio_change, _base_change)
