"""A unit with five people (one 封存, one whose name looks like a formula) for the adjustments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.models import RosterPerson, Unit
from app.services.adjustments.service import BaseChangeService
from app.services.context import AppServices

TODAY = date(2026, 11, 26)

# (account, name, status, base): 5000 × (12 % + 12 %) = 1200 under 四舍五入到元.
PEOPLE = [
    ("41000001", "张三", "正常", "5000.00"),
    ("41000002", "李四", "正常", "6000.00"),
    ("41000003", "王五", "正常", "4000.00"),
    ("41000004", "赵六", "封存", "3000.00"),
    ("41000005", "=钱七", "正常", "2000.00"),
]


def small_unit(services: AppServices) -> BaseChangeService:
    unit = services.units.add("100001", "开封市示范机械厂")
    with services.store.session() as session:
        session.get_one(Unit, unit.id).profile = {
            "unit_ratio": "0.12",
            "personal_ratio": "0.12",
            "paid_to": "2026-10",
        }
        for n, (account, name, status, base) in enumerate(PEOPLE):
            session.add(
                RosterPerson(
                    unit_id=unit.id,
                    account_no=account,
                    name=name,
                    id_number=f"41020319900101{n:03d}X",
                    status=status,
                    base=Decimal(base),
                    unit_ratio=Decimal("0.12"),
                    personal_ratio=Decimal("0.12"),
                    monthly_amount=Decimal(base) * Decimal("0.24"),
                    version=n + 1,
                )
            )
    return BaseChangeService(
        services.store, unit.id, lambda: services.units.policy(unit.id), today=lambda: TODAY
    )
