"""The 待开户清册 of one new unit with its ratios set: what the engine's list tests start from."""

from __future__ import annotations

from datetime import date

from app.models import Unit
from app.services.businesses import open_account
from app.services.context import AppServices
from app.services.engine.pending import PendingLists


def open_account_list(services: AppServices, today: date) -> PendingLists:
    unit = services.units.add("100001", "开封市示范机械厂")
    with services.store.session() as session:
        session.get_one(Unit, unit.id).profile = {"unit_ratio": "0.12", "personal_ratio": "0.10"}
    return PendingLists(
        services.store,
        open_account.SPEC,
        unit.id,
        lambda: services.units.policy(unit.id),
        today=lambda: today,
    )
