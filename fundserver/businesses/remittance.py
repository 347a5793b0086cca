"""Approval effect of 汇缴核定: the month is paid, 缴至年月 moves on, the 暂存款 is used."""

from __future__ import annotations

import functools
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundserver.businesses.accounts import next_month
from fundserver.businesses.registry import EffectError, register
from fundserver.db import ROSTER_COUNTER, Person, Submission, Unit, next_value
from fundserver.policy import load_policy, round_amount, rounding_method


@functools.cache
def _rounding() -> str:
    return rounding_method(load_policy())


def monthly_amount(person: Person) -> Decimal:
    """单位 + 个人 月缴存额 by the centre's rounding (as the roster serves it)."""
    rounding = _rounding()
    return round_amount(person.base * person.unit_ratio, rounding) + round_amount(
        person.base * person.personal_ratio, rounding
    )


def paying_people(session: Session, unit: Unit, month: str) -> list[Person]:
    """正常 accounts of the unit not yet paid for `month` ("YYYY-MM" sorts as months do)."""
    return list(
        session.scalars(
            select(Person)
            .where(Person.unit_id == unit.id, Person.status == "正常", Person.paid_to < month)
            .order_by(Person.account_no)
        )
    )


def _month(rows: list[dict[str, Any]]) -> str:
    months = {str(row.get("month") or "") for row in rows}
    if len(months) != 1 or "" in months:
        raise EffectError("汇缴核定的各行核定月份不一致或缺失")
    return months.pop()


def _sent_amounts(rows: list[dict[str, Any]]) -> dict[str, Decimal]:
    sent: dict[str, Decimal] = {}
    for index, row in enumerate(rows, 1):
        try:
            sent[str(row["account_no"])] = Decimal(str(row["amount"]))
        except (KeyError, InvalidOperation):
            raise EffectError(f"第 {index} 行缺少个人账号或月缴存额不是数字") from None
    return sent


def _compare(people: list[Person], sent: dict[str, Decimal]) -> None:
    """The unit's list must be the centre's: same people, same amounts."""
    centre = {p.account_no: (p, monthly_amount(p)) for p in people}
    for account, (person, amount) in centre.items():
        if account not in sent:
            raise EffectError(f"核定清单缺少应缴职工 {person.name}（个人账号 {account}）")
        if sent[account] != amount:
            raise EffectError(
                f"{person.name}（个人账号 {account}）的月缴存额应为 {amount}，"
                f"申报为 {sent[account]}"
            )
    extra = sorted(set(sent) - set(centre))
    if extra:
        raise EffectError(f"个人账号 {extra[0]} 本月不应缴存（不是正常状态或已缴至本月）")


@register("remittance")
def remit(session: Session, submission: Submission) -> dict[str, Any]:
    """The month's people are paid to the month; the unit's 暂存款 pays first."""
    unit = session.get(Unit, submission.unit_id)
    assert unit is not None
    month = _month(submission.rows)
    expected = next_month(unit.paid_to)
    if month != expected:
        raise EffectError(f"本单位已缴至 {unit.paid_to}，只能核定 {expected}（申报为 {month}）")
    people = paying_people(session, unit, month)
    _compare(people, _sent_amounts(submission.rows))
    total = sum((monthly_amount(p) for p in people), Decimal("0.00"))
    used = min(unit.suspense_balance, total)
    unit.suspense_balance = unit.suspense_balance - used
    unit.paid_to = month
    for person in people:
        person.paid_to = month
        person.version = next_value(session, ROSTER_COUNTER)
    return {
        "month": month,
        "people": len(people),
        "monthly_total": f"{total:.2f}",
        "suspense_used": f"{used:.2f}",
        "assessed_total": f"{total - used:.2f}",
        "paid_to": month,
        "suspense_balance": f"{unit.suspense_balance:.2f}",
    }
