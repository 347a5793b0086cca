"""The approval effect of 个人开户 (封存 / 启封 are in seal.py, 内部转移 in transfer.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundserver.businesses.registry import EffectError, register
from fundserver.db import ROSTER_COUNTER, Person, Submission, Unit, next_value, utcnow

RESIDENT_ID = "居民身份证"


def previous_month(month: str) -> str:
    year, mon = (int(part) for part in month.split("-"))
    return f"{year - 1}-12" if mon == 1 else f"{year}-{mon - 1:02d}"


def next_month(month: str) -> str:
    year, mon = (int(part) for part in month.split("-"))
    return f"{year + 1}-01" if mon == 12 else f"{year}-{mon + 1:02d}"


def new_account_no(session: Session, unit: Unit) -> str:
    """个人账号: the unit code and a five-digit sequence within the unit (opaque to clients)."""
    return f"{unit.unit_code}{next_value(session, f'account_seq:{unit.unit_code}'):05d}"


def _text(row: dict[str, Any], key: str, index: int, label: str) -> str:
    value = str(row.get(key) or "").strip()
    if not value:
        raise EffectError(f"第 {index} 行缺少{label}")
    return value


def _decimal(value: Any, index: int, label: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise EffectError(f"第 {index} 行的{label}“{value}”不是数字") from None
    if not number.is_finite() or number < 0:
        raise EffectError(f"第 {index} 行的{label}“{value}”不正确")
    return number


def _from_resident_id(id_number: str) -> tuple[str, date | None]:
    if len(id_number) != 18:
        return "", None
    try:
        born = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return "", None
    return ("男" if int(id_number[16]) % 2 else "女"), born


def _open_one(session: Session, unit: Unit, row: dict[str, Any], index: int) -> Person:
    name = _text(row, "name", index, "姓名")
    id_number = _text(row, "id_number", index, "证件号码").upper()
    id_type = str(row.get("id_type") or RESIDENT_ID)
    clash = session.scalar(
        select(Person).where(Person.id_number == id_number, Person.status != "销户")
    )
    if clash is not None:
        raise EffectError(f"第 {index} 行：证件号码已在中心有未销户的个人账户")
    sex, born = _from_resident_id(id_number) if id_type == RESIDENT_ID else ("", None)
    if row.get("birth_date"):
        born = date.fromisoformat(str(row["birth_date"]))
    start = str(row.get("start_month") or next_month(unit.paid_to))
    person = Person(
        unit_id=unit.id,
        account_no=new_account_no(session, unit),
        name=name,
        id_type=id_type,
        id_number=id_number,
        sex=str(row.get("sex") or sex),
        birth_date=born,
        status="正常",
        base=_decimal(row.get("base"), index, "缴存基数"),
        unit_ratio=_decimal(row.get("unit_ratio") or unit.unit_ratio, index, "单位缴存比例"),
        personal_ratio=_decimal(
            row.get("personal_ratio") or unit.personal_ratio, index, "个人缴存比例"
        ),
        opened_on=utcnow().date(),
        paid_to=previous_month(start),
        version=next_value(session, ROSTER_COUNTER),
    )
    session.add(person)
    return person


@register("open-account")
def open_accounts(session: Session, submission: Submission) -> dict[str, Any]:
    """Each row becomes a person of the unit with a new 个人账号, in the roster's next version."""
    unit = session.get(Unit, submission.unit_id)
    assert unit is not None
    try:
        people = [_open_one(session, unit, row, i) for i, row in enumerate(submission.rows, 1)]
    except ValueError as exc:  # a malformed month or date in a row
        raise EffectError(f"开户数据格式不正确：{exc}") from exc
    session.flush()
    return {
        "accounts": [
            {"name": p.name, "id_number": p.id_number, "account_no": p.account_no} for p in people
        ]
    }
