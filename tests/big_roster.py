"""A large roster cache (100,000 people by default), written fast and seeded: tests and bench/.

The rows go in with one Core executemany, not through `RosterService.apply_page` (whose speed is
not what these measure); the IDs are valid 18-digit resident IDs with computed check digits.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert

from app.models import RosterPerson, Unit
from app.services.rules.idnumber import gb11643_check_digit
from app.services.store import Store

REGIONS = ("410202", "410203", "410204", "410205", "410211", "410212", "410221", "410222")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华建国志红玉海燕鹏飞"


@dataclass(frozen=True)
class BigRoster:
    path: Path  # the SQLite file
    unit_id: int
    id_numbers: list[str]  # in account order: person n has account f"{n:08d}"


def _id_number(rng: random.Random) -> str:
    born = date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 45))
    first17 = f"{rng.choice(REGIONS)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + gb11643_check_digit(first17)


def build(path: Path, count: int = 100_000, seed: int = 12) -> BigRoster:
    """A store at `path` with one unit (100001) whose roster holds `count` people."""
    rng = random.Random(seed)
    store = Store.open(path)
    with store.session() as session:
        unit = Unit(code="100001", name="开封市示例科技有限公司")
        session.add(unit)
        session.flush()
        unit_id = unit.id
    ids: list[str] = []
    rows = []
    for n in range(count):
        ids.append(_id_number(rng))
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        rows.append(
            {
                "unit_id": unit_id,
                "account_no": f"{n:08d}",
                "name": rng.choice(SURNAMES) + given,
                "id_type": "居民身份证",
                "id_number": ids[-1],
                "status": "正常" if n % 10 else "封存",
                "base": Decimal("5000.00"),
                "unit_ratio": Decimal("0.12"),
                "personal_ratio": Decimal("0.12"),
                "monthly_amount": Decimal("1200.00"),
                "paid_to": "2026-05",
                "version": n + 1,
            }
        )
    with store.engine.begin() as connection:
        connection.execute(insert(RosterPerson.__table__), rows)
    store.close()  # checkpoints the WAL: the file alone is the whole database
    return BigRoster(path, unit_id, ids)


def copy(roster: BigRoster, path: Path) -> BigRoster:
    """The same roster in another file (a test's own copy of a session-wide one)."""
    shutil.copyfile(roster.path, path)
    return BigRoster(path, roster.unit_id, roster.id_numbers)
