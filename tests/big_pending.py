"""A large 个人开户 清册 (100,000 rows by default), written fast and seeded: tests and bench/.

The rows go straight into the store with one Core executemany, not through the engine's checks
(whose speed is not what these measure); every row is one the engine would have stored: valid
resident IDs with computed check digits, amounts with two decimals, and every 97th row carries
an error mark, as a 全部提交's recheck leaves them.
"""

from __future__ import annotations

import dataclasses
import random
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from app.models import PendingList, Unit
from app.models.base import dump_json, utcnow
from app.services.engine.states import ListState
from app.services.rules.idnumber import gb11643_check_digit
from app.services.store import Store
from tests.big_roster import GIVEN, REGIONS, SURNAMES

BUSINESS = "open-account"
ERROR_EVERY = 97  # rows n with n % ERROR_EVERY == 0 carry an error mark


@dataclass(frozen=True)
class BigPendingList:
    path: Path  # the SQLite file
    unit_id: int
    list_id: int
    count: int
    base_total: Decimal  # the 缴存基数 of every row added up
    with_errors: int


def _row(rng: random.Random, n: int) -> dict[str, str]:
    born = date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 45))
    first17 = f"{rng.choice(REGIONS)}{born:%Y%m%d}{n % 1000:03d}"
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    base = Decimal(rng.randrange(200_000, 3_000_000)) / 100
    unit = (base * Decimal("0.12")).quantize(Decimal("0.01"))
    return {
        "name": rng.choice(SURNAMES) + given,
        "id_type": "居民身份证",
        "id_number": first17 + gb11643_check_digit(first17),
        "sex": "男" if n % 2 else "女",
        "birth_date": born.isoformat(),
        "mobile": f"139{n:08d}",
        "base": str(base),
        "unit_ratio": "0.12",
        "personal_ratio": "0.12",
        "unit_amount": str(unit),
        "personal_amount": str(unit),
        "monthly_amount": str(unit * 2),
    }


def build(path: Path, count: int = 100_000, seed: int = 12) -> BigPendingList:
    """A store at `path` with one unit (100001) whose open 个人开户 清册 holds `count` rows."""
    rng = random.Random(seed)
    store = Store.open(path)
    with store.session() as session:
        unit = Unit(
            code="100001",
            name="开封市示例科技有限公司",
            profile={"unit_ratio": "0.12", "personal_ratio": "0.12"},
        )
        session.add(unit)
        session.flush()
        plist = PendingList(unit_id=unit.id, business=BUSINESS, state=ListState.OPEN.value)
        session.add(plist)
        session.flush()
        unit_id, list_id = unit.id, plist.id
    store.close()  # checkpoints the WAL: the file alone is the whole database
    records = []
    total = Decimal(0)
    now = utcnow().isoformat(sep=" ")
    for n in range(count):
        data = _row(rng, n)
        total += Decimal(data["base"])
        bad = n % ERROR_EVERY == 0
        errors = dump_json({"mobile": "请填写正确的手机号码"}) if bad else None
        records.append(
            (list_id, n + 1, dump_json(data), errors, f"开户.xlsx 第{n + 2}行", now, now)
        )
    # One executemany of plain tuples with the JSON already text: SQLAlchemy's per-row
    # parameter handling tripled the time of this fixture.
    with sqlite3.connect(path) as connection:
        connection.executemany(
            "INSERT INTO pending_rows (list_id, position, data, errors, source, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            records,
        )
    connection.close()
    with_errors = len(range(0, count, ERROR_EVERY))
    return BigPendingList(path, unit_id, list_id, count, total, with_errors)


def copy(big: BigPendingList, path: Path) -> BigPendingList:
    """The same list in another file (a test's own copy of a module-wide one)."""
    shutil.copyfile(big.path, path)
    return dataclasses.replace(big, path=path)
