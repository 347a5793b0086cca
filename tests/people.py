"""A small roster for person-bound businesses: two 正常, one 封存, two of one name."""

from __future__ import annotations

from decimal import Decimal

from app.models import RosterPerson
from app.services.context import AppServices
from app.services.roster_entry import RosterEntry
from tests.ids import gb11643


def _id(first17: str) -> str:
    return first17 + gb11643(first17)


ZHAO = RosterEntry(
    "1000010001", "赵一", "居民身份证", _id("41020319850101101"), "正常",
    Decimal("6000.00"), Decimal("0.12"), Decimal("0.12"), Decimal("1440.00"),
)  # fmt: skip
QIAN = RosterEntry(
    "1000010002", "钱二", "居民身份证", _id("41020319860202202"), "封存",
    Decimal("5000.00"), Decimal("0.12"), Decimal("0.10"), Decimal("1100.00"),
)  # fmt: skip
SUN_A = RosterEntry(
    "1000010003", "孙三", "居民身份证", _id("41020319870303303"), "正常",
    Decimal("4000.00"), Decimal("0.12"), Decimal("0.12"), Decimal("960.00"),
)  # fmt: skip
SUN_B = RosterEntry(
    "1000010004", "孙三", "居民身份证", _id("41020319880404404"), "封存",
    Decimal("4500.00"), Decimal("0.12"), Decimal("0.12"), Decimal("1080.00"),
)  # fmt: skip
PEOPLE = (ZHAO, QIAN, SUN_A, SUN_B)


def seed_roster(
    services: AppServices, unit_id: int, people: tuple[RosterEntry, ...] = PEOPLE
) -> None:
    with services.store.session() as session:
        for p in people:
            session.add(
                RosterPerson(
                    unit_id=unit_id,
                    account_no=p.account_no,
                    name=p.name,
                    id_type=p.id_type,
                    id_number=p.id_number,
                    status=p.status,
                    base=p.base,
                    unit_ratio=p.unit_ratio,
                    personal_ratio=p.personal_ratio,
                    monthly_amount=p.monthly_amount,
                )
            )
