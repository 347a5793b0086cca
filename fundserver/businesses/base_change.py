"""缴存基数调整: every listed account takes its new base from the effective month.

A 已复核 ratio change of the unit comes into force with it: the unit's ratios and every listed
person's become the new ones (the change itself is then marked 已使用 by `review.approve`; the
day and this submission are noted on it).
A row the centre cannot apply is refused with its number, so the reviewer can reject just it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from fundserver.businesses.accounts import _decimal
from fundserver.businesses.people import person_in_unit
from fundserver.businesses.ratio_change import _month, checked_change, note_used, waiting_change
from fundserver.businesses.registry import EffectError, register
from fundserver.db import ROSTER_COUNTER, Submission, Unit, next_value


def _ratios_in_force(session: Session, unit: Unit) -> tuple[Decimal, Decimal, str | None]:
    change = waiting_change(session, unit.id)
    if change is None:
        return unit.unit_ratio, unit.personal_ratio, None
    month, unit_ratio, personal_ratio = checked_change(change.rows[0])
    return unit_ratio, personal_ratio, month


def _apply_row(
    session: Session, unit: Unit, row: dict[str, Any], index: int, ratios: tuple[Decimal, Decimal]
) -> dict[str, Any]:
    person = person_in_unit(session, unit.id, row, index)
    if person.status != "正常":
        raise EffectError(f"第 {index} 行 {person.name} 的账户状态为{person.status}，应为正常")
    month = _month(row.get("effective_month"), index)
    if month <= unit.paid_to:
        raise EffectError(f"第 {index} 行的调整年月 {month} 不能早于或等于缴至年月 {unit.paid_to}")
    base = _decimal(row.get("base"), index, "缴存基数")
    for key, label, in_force in zip(
        ("unit_ratio", "personal_ratio"), ("单位缴存比例", "个人缴存比例"), ratios, strict=True
    ):
        if row.get(key) not in (None, "") and _decimal(row[key], index, label) != in_force:
            raise EffectError(f"第 {index} 行的{label} {row[key]} 与中心现行的 {in_force} 不符")
    old = person.base
    person.base = base
    person.unit_ratio, person.personal_ratio = ratios
    person.version = next_value(session, ROSTER_COUNTER)
    return {"account_no": person.account_no, "old_base": str(old), "base": str(base)}


@register("base-change")
def change_bases(session: Session, submission: Submission) -> dict[str, Any]:
    """Every row's person gets the new base and the ratios in force, from the effective month."""
    unit = session.get(Unit, submission.unit_id)
    assert unit is not None
    unit_ratio, personal_ratio, ratio_month = _ratios_in_force(session, unit)
    ratios = (unit_ratio, personal_ratio)
    changed = [
        _apply_row(session, unit, row, i, ratios) for i, row in enumerate(submission.rows, 1)
    ]
    unit.unit_ratio, unit.personal_ratio = ratios
    if ratio_month is not None:  # the 已复核 change(s) this approval puts in force
        note_used(session, unit.id, submission.id)
    session.flush()
    return {
        "persons": changed,
        "unit_ratio": str(unit_ratio),
        "personal_ratio": str(personal_ratio),
        "ratio_change_month": ratio_month,
    }
