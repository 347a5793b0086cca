"""个人账户封存 / 启封: each row checked against the unit's records; approval changes the state.

A row names the person by 个人账号 and/or 证件号码 (姓名 checked when given), the reason from the
centre's dictionary and the month (`YYYY-MM`). 启封 may carry the new 缴存基数.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select

from fundserver.businesses.accounts import previous_month
from fundserver.businesses.people import (
    check_each,
    earliest_month,
    id_key,
    month_problem,
    pending_message,
    person_in_unit,
)
from fundserver.businesses.registry import (
    CheckContext,
    EffectError,
    RowProblem,
    register,
    register_check,
)
from fundserver.db import ROSTER_COUNTER, Person, Submission, next_value


@dataclass(frozen=True)
class StateChange:
    business: str
    label: str  # 封存 / 启封
    before: str  # the state the account must be in
    after: str


SEAL = StateChange("seal", "封存", "正常", "封存")
UNSEAL = StateChange("unseal", "启封", "封存", "正常")


def find_in_unit(ctx: CheckContext, row: dict[str, Any]) -> tuple[Person | None, RowProblem | None]:
    """The unit's person a row names, or why none (row number filled in by the caller: 0)."""
    account_no = str(row.get("account_no") or "").strip()
    id_number = id_key(row.get("id_number"))
    if not account_no and not id_number:
        return None, RowProblem(0, "account_no", "缺少个人账号或证件号码")
    query = select(Person).where(Person.unit_id == ctx.unit.id)
    if account_no:
        query = query.where(Person.account_no == account_no)
    else:
        query = query.where(Person.id_number == id_number, Person.status != "销户")
    person = ctx.session.scalar(query.order_by(Person.version.desc()))
    field = "account_no" if account_no else "id_number"
    if person is None:
        shown = account_no or "该证件号码"
        return None, RowProblem(
            0,
            field,
            f"本单位没有个人账号为 {shown} 的职工" if account_no else "本单位没有此证件号码的职工",
        )
    if account_no and id_number and person.id_number.upper() != id_number:
        return None, RowProblem(0, "id_number", "证件号码与个人账号不是同一职工")
    name = str(row.get("name") or "").strip()
    if name and name != person.name:
        return None, RowProblem(0, "name", f"姓名与中心记录不符（个人账号 {person.account_no}）")
    return person, None


def _base_problem(ctx: CheckContext, value: Any) -> str | None:
    if value in (None, ""):
        return None
    try:
        base = Decimal(str(value).strip())
    except InvalidOperation:
        return f"缴存基数“{value}”不是数字"
    limits = ctx.policy.get("contribution", {})
    floor = Decimal(str(limits.get("base_floor", "0")))
    ceiling = Decimal(str(limits.get("base_ceiling", "Infinity")))
    if not base.is_finite() or not floor <= base <= ceiling:
        return f"缴存基数 {value} 不在 {floor}–{ceiling} 元之间"
    return None


def _row_problem(
    ctx: CheckContext,
    change: StateChange,
    row: dict[str, Any],
    pending: dict[str, tuple[int, str]],
    seen: dict[str, int],
) -> RowProblem | None:
    person, problem = find_in_unit(ctx, row)
    if person is None:
        return problem
    if person.status != change.before:
        return RowProblem(
            0,
            "account_no",
            f"{person.name}的账户状态为{person.status}，{change.label}需要账户为{change.before}",
        )
    key = person.id_number.upper()
    if key in seen:
        return RowProblem(0, "id_number", f"与第 {seen[key]} 行是同一职工")
    if key in pending:
        return RowProblem(0, "account_no", pending_message(pending[key]))
    reasons = ctx.policy.get("reasons", {}).get(change.business) or []
    reason = str(row.get("reason") or "").strip()
    if not reason:
        return RowProblem(0, "reason", f"缺少{change.label}原因")
    if reasons and reason not in reasons:
        return RowProblem(0, "reason", f"{change.label}原因“{reason}”不在中心的原因字典中")
    month = month_problem(
        row.get("month"), ctx.today, earliest_month(person), f"{change.label}年月"
    )
    if month:
        return RowProblem(0, "month", month)
    if change is UNSEAL and (base := _base_problem(ctx, row.get("base"))):
        return RowProblem(0, "base", base)
    return None


def check_rows(
    ctx: CheckContext, change: StateChange, rows: list[dict[str, Any]]
) -> list[RowProblem]:
    def key_of(row: dict[str, Any]) -> str:
        person, _ = find_in_unit(ctx, row)
        return person.id_number.upper() if person is not None else ""

    return check_each(
        ctx,
        rows,
        lambda row, pending, seen: _row_problem(ctx, change, row, pending, seen),
        key_of,
    )


@register_check("seal")
def check_seal(ctx: CheckContext, rows: list[dict[str, Any]]) -> list[RowProblem]:
    return check_rows(ctx, SEAL, rows)


@register_check("unseal")
def check_unseal(ctx: CheckContext, rows: list[dict[str, Any]]) -> list[RowProblem]:
    return check_rows(ctx, UNSEAL, rows)


def _apply(session: Any, submission: Submission, change: StateChange) -> dict[str, Any]:
    changed = []
    for index, row in enumerate(submission.rows, 1):
        person = person_in_unit(session, submission.unit_id, row, index)
        if person.status != change.before:
            raise EffectError(
                f"第 {index} 行 {person.name} 的账户状态为{person.status}，应为{change.before}"
            )
        _change(person, change, row)
        person.version = next_value(session, ROSTER_COUNTER)
        changed.append(
            {"account_no": person.account_no, "status": change.after, "month": person.status_month}
        )
    return {"persons": changed}


def _change(person: Person, change: StateChange, row: dict[str, Any]) -> None:
    month = str(row.get("month") or "").strip() or None
    person.status = change.after
    person.status_month = month
    if change is UNSEAL:
        if row.get("base") not in (None, ""):
            person.base = Decimal(str(row["base"]).strip())
        if month and person.paid_to < month:
            # Paying resumes from the 启封年月: the months sealed are not owed.
            person.paid_to = max(person.paid_to, previous_month(month))


@register("seal")
def seal(session: Any, submission: Submission) -> dict[str, Any]:
    """正常 → 封存, from the row's month."""
    return _apply(session, submission, SEAL)


@register("unseal")
def unseal(session: Any, submission: Submission) -> dict[str, Any]:
    """封存 → 正常, from the row's month (and the new base, when given)."""
    return _apply(session, submission, UNSEAL)
