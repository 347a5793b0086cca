"""A centre that answers what the 汇缴核定 asks, and a unit with a small roster."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.errors import OfflineError
from app.models import RosterPerson, Unit
from app.services.api.models import UnitProfile
from app.services.context import AppServices


class FakeCentre:
    """The centre's two answers the assessment needs; `offline` makes every call fail."""

    def __init__(self, balance: str = "1286.40", paid_to: str = "2026-09") -> None:
        self.balance, self.paid_to = balance, paid_to
        self.offline = False
        self.records: list[dict[str, Any]] = []

    def unit_profile(self) -> UnitProfile:
        if self.offline:
            raise OfflineError("无法连接中心服务器")
        return UnitProfile(
            "100001", "开封示范", "开封市住房公积金管理中心", Decimal("0.12"), Decimal("0.12"),
            self.paid_to, Decimal(self.balance), {},
        )  # fmt: skip

    def remittances(self, month: str | None = None) -> list[dict[str, Any]]:
        return [r for r in self.records if r["month"] == month]

    def close(self) -> None:
        pass


def _person(unit_id: int, account: str, status: str, paid_to: str, amount: str) -> RosterPerson:
    return RosterPerson(
        unit_id=unit_id, account_no=account, name=f"职工{account}", id_number=f"4102{account}",
        status=status, base=Decimal(amount) * 4, unit_ratio=Decimal("0.125"),
        personal_ratio=Decimal("0.125"), monthly_amount=Decimal(amount), paid_to=paid_to,
    )  # fmt: skip


def seed_unit(services: AppServices) -> int:
    """开封示范 paid to 2026-09: A and B pay, C is 封存."""
    unit = services.units.add("100001", "开封示范科技有限公司")
    with services.store.session() as session:
        session.get_one(Unit, unit.id).profile = {"paid_to": "2026-09", "unit_ratio": "0.12"}
        session.add_all(
            [
                _person(unit.id, "A", "正常", "2026-09", "1000.00"),
                _person(unit.id, "B", "正常", "2026-09", "500.00"),
                _person(unit.id, "C", "封存", "2025-03", "800.00"),
            ]
        )
    return unit.id
