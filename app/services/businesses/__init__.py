"""Every business the client can do, by code; registering a spec here enables its pages.

Each business is a module of this package with a `SPEC`; `MODULES` lists them one a line
(adding a business is one line, and merges stay trivial).
"""

from __future__ import annotations

import importlib

from app.services.engine.spec import BusinessSpec

MODULES = (
    "open_account",
    "seal",
    "unseal",
    "remittance",
    "back_payment",
    "ratio_change",
    "base_change",
    "transfer",
)


def _load(name: str) -> BusinessSpec:
    found = importlib.import_module(f"{__name__}.{name}").SPEC
    assert isinstance(found, BusinessSpec), name
    return found


SPECS: dict[str, BusinessSpec] = {s.code: s for s in map(_load, MODULES)}


def spec(code: str) -> BusinessSpec:
    return SPECS[code]
