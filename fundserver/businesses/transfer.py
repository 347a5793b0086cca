"""内部转移 (§9): a person sealed at another unit of the centre moves into the submitting unit.

The new unit does not yet employ the person, so it learns only what the move needs: the
转出单位 (name, 单位账号) and the account state, and only when 姓名 and 证件号码 both match
the centre's record. Approval moves the account: out of the old unit's roster (a departure
in its delta stream), into the new one's, 正常 from the row's 转入年月. No money moves.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundserver.businesses.accounts import previous_month
from fundserver.businesses.people import (
    check_each,
    earliest_month,
    id_key,
    month_problem,
    pending_message,
)
from fundserver.businesses.registry import (
    CheckContext,
    EffectError,
    RowProblem,
    register,
    register_check,
)
from fundserver.db import ROSTER_COUNTER, Person, RosterDeparture, Submission, Unit, next_value

NO_MATCH = "中心没有姓名与证件号码都相符的职工记录，请核对后再查"


def centre_person(session: Session, name: str, id_number: str) -> Person | None:
    """The centre's person with this ID (the live account first) if the name matches too."""
    candidates = list(
        session.scalars(
            select(Person)
            .where(Person.id_number == id_key(id_number))
            .order_by(Person.version.desc())
        )
    )
    # An ID may have an old closed account beside a live one: the live one is who they are now.
    live = [p for p in candidates if p.status != "销户"]
    person = next(iter(live or candidates), None)
    if person is None or person.name != name.strip():
        return None
    return person


def refusal(session: Session, unit: Unit, person: Person) -> str | None:
    """Why this person cannot move into `unit`, in words for the clerk; None when they can."""
    if person.unit_id == unit.id:
        return f"{person.name}已是本单位职工（账户状态：{person.status}），无需内部转移"
    holder = session.get(Unit, person.unit_id)
    holder_name = holder.name if holder else "原单位"
    if person.status != "封存":
        return (
            f"{person.name}在{holder_name}的账户状态为{person.status}，只有封存的账户才能转移："
            "请原单位先办理封存"
        )
    return None


def _row_problem(
    ctx: CheckContext,
    row: dict[str, Any],
    pending: dict[str, tuple[int, str]],
    seen: dict[str, int],
) -> RowProblem | None:
    name = str(row.get("name") or "").strip()
    id_number = id_key(row.get("id_number"))
    if not name:
        return RowProblem(0, "name", "缺少姓名")
    if not id_number:
        return RowProblem(0, "id_number", "缺少证件号码")
    person = centre_person(ctx.session, name, id_number)
    if person is None:
        return RowProblem(0, "id_number", NO_MATCH)
    reason = refusal(ctx.session, ctx.unit, person)
    if reason:
        return RowProblem(0, "id_number", reason)
    if id_number in seen:
        return RowProblem(0, "id_number", f"与第 {seen[id_number]} 行是同一职工")
    if id_number in pending:
        return RowProblem(0, "id_number", pending_message(pending[id_number]))
    month = month_problem(row.get("month"), ctx.today, earliest_month(person), "转入年月")
    return RowProblem(0, "month", month) if month else None


@register_check("transfer")
def check_transfer(ctx: CheckContext, rows: list[dict[str, Any]]) -> list[RowProblem]:
    return check_each(
        ctx,
        rows,
        lambda row, pending, seen: _row_problem(ctx, row, pending, seen),
        lambda row: id_key(row.get("id_number")),
    )


def _snapshot(person: Person) -> dict[str, Any]:
    """The person as the old unit's roster last showed them (for its delta: a departure)."""
    return {
        "account_no": person.account_no,
        "name": person.name,
        "id_type": person.id_type,
        "id_number": person.id_number,
        "sex": person.sex,
        "birth_date": person.birth_date.isoformat() if person.birth_date else None,
        "status": person.status,
        "base": str(person.base),
        "unit_ratio": str(person.unit_ratio),
        "personal_ratio": str(person.personal_ratio),
        "opened_on": person.opened_on.isoformat(),
        "paid_to": person.paid_to,
    }


def _move(session: Session, unit: Unit, person: Person, month: str) -> dict[str, Any]:
    old = session.get(Unit, person.unit_id)
    session.add(
        RosterDeparture(
            unit_id=person.unit_id,
            account_no=person.account_no,
            record=_snapshot(person),
            version=next_value(session, ROSTER_COUNTER),
        )
    )
    person.unit_id = unit.id
    person.status = "正常"
    person.status_month = month
    person.paid_to = previous_month(month)  # pays at the new unit from the 转入年月
    person.unit_ratio, person.personal_ratio = unit.unit_ratio, unit.personal_ratio
    person.version = next_value(session, ROSTER_COUNTER)
    return {
        "account_no": person.account_no,
        "name": person.name,
        "id_number": person.id_number,  # the new unit's own employee now; matches the row
        "from_unit_code": old.unit_code if old else "",
        "from_unit_name": old.name if old else "",
        "month": month,
    }


@register("transfer")
def transfer(session: Session, submission: Submission) -> dict[str, Any]:
    """Each row's person moves into the submitting unit, 正常 from the row's month."""
    unit = session.get(Unit, submission.unit_id)
    assert unit is not None
    moved = []
    for index, row in enumerate(submission.rows, 1):
        person = centre_person(session, str(row.get("name") or ""), str(row.get("id_number") or ""))
        if person is None:
            raise EffectError(f"第 {index} 行：{NO_MATCH}")
        reason = refusal(session, unit, person)
        if reason:
            raise EffectError(f"第 {index} 行：{reason}")
        month = str(row.get("month") or "").strip()
        if not month:
            raise EffectError(f"第 {index} 行缺少转入年月")
        moved.append(_move(session, unit, person, month))
    session.flush()
    return {"persons": moved}
