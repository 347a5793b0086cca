"""缴存比例调整: approval (已复核) changes nothing yet; a later approved base change applies it.

`fundserver.review.approve` gives a ratio change the state 已复核 and marks it 已使用 when a
base change of the unit is approved; this module checks the change and finds the one in wait.
The result keeps the dates of both steps (`reviewed_on`, and `used_on` / `used_by` written by
the base change that applies it): 缴存比例调整查询 shows each state with its date.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from fundserver.businesses.accounts import _decimal
from fundserver.businesses.people import centre_today
from fundserver.businesses.registry import EffectError, register
from fundserver.db import Submission, Unit, utcnow

MONTH_LENGTH = 7  # "2026-11"


def _month(value: Any, index: int) -> str:
    text = str(value or "").strip()
    parts = text.split("-")
    if len(text) != MONTH_LENGTH or len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise EffectError(f"第 {index} 行的调整年月“{text}”不正确，应为 YYYY-MM")
    if not 1 <= int(parts[1]) <= 12:
        raise EffectError(f"第 {index} 行的调整年月“{text}”不正确，应为 YYYY-MM")
    return text


def _ratio(value: Any, index: int, label: str) -> Decimal:
    ratio = _decimal(value, index, label)
    if not Decimal(0) < ratio < Decimal(1):
        raise EffectError(f"第 {index} 行的{label}“{value}”应为 0 与 1 之间的小数")
    return ratio


def checked_change(row: dict[str, Any], index: int = 1) -> tuple[str, Decimal, Decimal]:
    """(调整年月, unit ratio, personal ratio) of a ratio change's row; EffectError if malformed."""
    return (
        _month(row.get("effective_month"), index),
        _ratio(row.get("unit_ratio"), index, "单位缴存比例"),
        _ratio(row.get("personal_ratio"), index, "个人缴存比例"),
    )


def _reviewed(unit_id: int) -> Select[Submission]:
    return (
        select(Submission)
        .where(
            Submission.unit_id == unit_id,
            Submission.business == "ratio-change",
            Submission.state == "reviewed",
        )
        .order_by(Submission.id.desc())
    )


def waiting_change(session: Session, unit_id: int) -> Submission | None:
    """The unit's latest 已复核 ratio change, which the next approved base change applies."""
    return session.scalar(_reviewed(unit_id))


def note_used(session: Session, unit_id: int, base_change_id: int) -> None:
    """Write on every 已复核 change of the unit the day and the base change that used it."""
    today = centre_today(utcnow()).isoformat()
    for change in session.scalars(_reviewed(unit_id)):
        change.result = {**(change.result or {}), "used_on": today, "used_by": base_change_id}


@register("ratio-change")
def review_ratio_change(session: Session, submission: Submission) -> dict[str, Any]:
    """One well-formed row after the unit's 缴至年月; the unit's ratios stay as they are."""
    if len(submission.rows) != 1:
        raise EffectError("一笔缴存比例调整应只有一行")
    month, unit_ratio, personal_ratio = checked_change(submission.rows[0])
    unit = session.get(Unit, submission.unit_id)
    assert unit is not None
    if month <= unit.paid_to:
        raise EffectError(f"调整年月 {month} 不能早于或等于单位缴至年月 {unit.paid_to}")
    return {
        "effective_month": month,
        "unit_ratio": str(unit_ratio),
        "personal_ratio": str(personal_ratio),
        "note": "新比例在其后的缴存基数调整审核通过时生效",
        "reviewed_on": centre_today(utcnow()).isoformat(),
    }
