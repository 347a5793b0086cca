"""Demo data: 开封市住房公积金管理中心 with three units and about forty employees each.

Demo login (not a secret — printed by `python -m fundserver serve --seed demo` too):

    单位账号 100001, 密码 demo1234   (开封示范科技有限公司, the unit to try the client with)
    单位账号 100002 and 100003 use the same password.

The data is deterministic (seeded random); only 缴至年月 follows today's date. The demo unit has
two employees both named 王伟 and a few 封存 people; unit 100002 holds 封存 people whose IDs can
be used to try 内部转移.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.cn import ric

from fundserver.businesses.accounts import new_account_no, next_month, previous_month
from fundserver.db import ROSTER_COUNTER, Person, Unit, next_value
from fundserver.security import hash_password

DEMO_UNIT_CODE = "100001"
DEMO_PASSWORD = "demo1234"
SHARED_NAME = "王伟"
SEED = 20240601

REGIONS = ("410202", "410203", "410204", "410205", "410211", "410221")
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董"
    "程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
)
GIVEN_NAMES = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "志强",
    "晓东",
    "海燕",
    "红梅",
    "俊",
    "博",
    "文",
    "浩",
    "宇",
    "欣怡",
    "子涵",
    "梓萱",
    "雨涵",
    "浩然",
    "思远",
    "佳琪",
    "一鸣",
    "国庆",
    "建国",
    "丽华",
    "春燕",
    "玉兰",
    "卫东",
    "晨",
    "鹏",
    "婷",
    "雪",
    "慧",
    "琳",
    "凯",
    "帅",
    "颖",
    "阳",
    "振华",
    "丹丹",
    "亚楠",
    "少华",
    "永强",
    "金凤",
    "书豪",
    "梦瑶",
    "嘉怡",
    "天宇",
)


@dataclass(frozen=True)
class DemoCredentials:
    unit_code: str = DEMO_UNIT_CODE
    password: str = DEMO_PASSWORD


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    ratio: Decimal
    suspense: Decimal
    size: int
    sealed: int


UNITS = (
    DemoUnit(DEMO_UNIT_CODE, "开封示范科技有限公司", Decimal("0.12"), Decimal("1286.40"), 40, 3),
    DemoUnit("100002", "开封市汴梁食品有限公司", Decimal("0.10"), Decimal("0.00"), 40, 8),
    DemoUnit("100003", "开封宋都建筑工程有限公司", Decimal("0.12"), Decimal("350.00"), 38, 2),
)


def make_id_number(rng: random.Random, born: date, male: bool, taken: set[str]) -> str:
    """A valid 18-digit GB 11643 number: Henan county, birth date, sequence, check digit."""
    while True:
        seq = rng.randint(0, 99) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
        body = f"{rng.choice(REGIONS)}{born:%Y%m%d}{seq:03d}"
        # stdnum's calc_check_digit ignores the last character it is given: pass a placeholder.
        number = body + ric.calc_check_digit(body + "0")
        if number not in taken:
            taken.add(number)
            return number


def make_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def _person(
    session: Session, rng: random.Random, unit: Unit, name: str, status: str, taken: set[str]
) -> Person:
    male = rng.random() < 0.55
    born = date(1966, 1, 1) + timedelta(days=rng.randint(0, 37 * 365))
    opened = date(2008, 1, 1) + timedelta(days=rng.randint(0, 16 * 365))
    paid_to = (
        unit.paid_to if status == "正常" else f"{rng.randint(2019, 2023)}-{rng.randint(1, 12):02d}"
    )
    return Person(
        unit_id=unit.id,
        account_no=new_account_no(session, unit),
        name=name,
        id_type="居民身份证",
        id_number=make_id_number(rng, born, male, taken),
        sex="男" if male else "女",
        birth_date=born,
        status=status,
        base=Decimal(rng.randint(190, 1500) * 10),
        unit_ratio=unit.unit_ratio,
        personal_ratio=unit.personal_ratio,
        opened_on=opened,
        paid_to=paid_to,
        version=next_value(session, ROSTER_COUNTER),
        # Sealed the month after the last one paid: 启封 and 内部转移 may not date before it.
        status_month=None if status == "正常" else next_month(paid_to),
    )


def seed_demo(session: Session, *, today: date | None = None) -> bool:
    """Add the demo centre's units and people; False (and no change) if they are already there."""
    if session.scalar(select(Unit).where(Unit.unit_code == DEMO_UNIT_CODE)) is not None:
        return False
    rng = random.Random(SEED)
    paid_to = previous_month(f"{(today or date.today()):%Y-%m}")
    password_hash = hash_password(DEMO_PASSWORD)
    taken: set[str] = set()
    for spec in UNITS:
        unit = Unit(
            unit_code=spec.code,
            name=spec.name,
            unit_ratio=spec.ratio,
            personal_ratio=spec.ratio,
            paid_to=paid_to,
            suspense_balance=spec.suspense,
            password_hash=password_hash,
        )
        session.add(unit)
        session.flush()
        for index in range(spec.size):
            status = "封存" if index >= spec.size - spec.sealed else "正常"
            name = (
                SHARED_NAME if spec.code == DEMO_UNIT_CODE and index in (3, 17) else make_name(rng)
            )
            session.add(_person(session, rng, unit, name, status, taken))
    session.commit()
    return True
