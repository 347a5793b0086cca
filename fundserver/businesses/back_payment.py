"""Approval effect of 补缴核定: each row's person and months checked against the centre's
records; the same person and month is never back-paid twice."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundserver.businesses.registry import EffectError, register
from fundserver.db import Person, Submission

MONTH_LENGTH = 7  # "YYYY-MM"


def _months(row: dict[str, Any], index: int) -> tuple[str, str]:
    start, end = str(row.get("start_month") or ""), str(row.get("end_month") or "")
    if len(start) != MONTH_LENGTH or len(end) != MONTH_LENGTH or start > end:
        raise EffectError(f"第 {index} 行的补缴起止年月不正确（{start}–{end}）")
    return start, end


def _person(session: Session, unit_id: int, row: dict[str, Any], index: int) -> Person:
    account = str(row.get("account_no") or "").strip()
    person = session.scalar(
        select(Person).where(Person.unit_id == unit_id, Person.account_no == account)
    )
    if person is None:
        raise EffectError(f"第 {index} 行的职工（个人账号 {account}）不在本单位")
    return person


def _approved_ranges(session: Session, submission: Submission) -> dict[str, list[tuple[str, str]]]:
    ranges: dict[str, list[tuple[str, str]]] = {}
    approved = session.scalars(
        select(Submission).where(
            Submission.unit_id == submission.unit_id,
            Submission.business == "back-payment",
            Submission.state == "approved",
            Submission.id != submission.id,
        )
    )
    for earlier in approved:
        rejected = {r["row"] for r in (earlier.result or {}).get("rejected_rows", [])}
        for number, row in enumerate(earlier.rows, 1):
            if number not in rejected:
                ranges.setdefault(str(row.get("account_no")), []).append(
                    (str(row.get("start_month")), str(row.get("end_month")))
                )
    return ranges


@register("back-payment")
def back_pay(session: Session, submission: Submission) -> dict[str, Any]:
    """Refuse a month already back-paid or before the account was opened; record the rest."""
    done = _approved_ranges(session, submission)
    paid = []
    for index, row in enumerate(submission.rows, 1):
        start, end = _months(row, index)
        person = _person(session, submission.unit_id, row, index)
        if start < f"{person.opened_on:%Y-%m}":
            raise EffectError(
                f"第 {index} 行 {person.name} 的起始年月 {start} 早于开户时间 {person.opened_on}"
            )
        for first, last in done.get(person.account_no, []):
            if first <= end and start <= last:
                raise EffectError(
                    f"第 {index} 行 {person.name} 的 {max(start, first)}–{min(end, last)} "
                    "已补缴，不能重复补缴"
                )
        try:
            amount = Decimal(str(row.get("amount")))
        except InvalidOperation:
            raise EffectError(f"第 {index} 行的补缴金额不是数字") from None
        done.setdefault(person.account_no, []).append((start, end))
        paid.append({"account_no": person.account_no, "months": f"{start}–{end}",
                     "amount": f"{amount:.2f}"})  # fmt: skip
    total = sum((Decimal(p["amount"]) for p in paid), Decimal("0.00"))
    return {"persons": paid, "total": f"{total:.2f}"}
