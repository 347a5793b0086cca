"""Every business the client can do, by code; a menu entry is enabled once its spec is here."""

from __future__ import annotations

from app.services.businesses import open_account, transfer
from app.services.engine.spec import BusinessSpec

SPECS: dict[str, BusinessSpec] = {spec.code: spec for spec in (open_account.SPEC, transfer.SPEC)}


def spec(code: str) -> BusinessSpec:
    return SPECS[code]
