"""What the person-bound businesses (封存, 启封, 内部转移) share: months, pending work, masks."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundserver.businesses.registry import CheckContext, EffectError, RowProblem
from fundserver.db import Person, Submission

BUSINESS_NAMES = {
    "open-account": "个人开户",
    "seal": "个人账户封存",
    "unseal": "个人账户启封",
    "transfer": "内部转移",
    "ratio-change": "缴存比例调整",
    "base-change": "缴存基数调整",
    "remittance": "汇缴核定",
    "back-payment": "补缴核定",
}
# Businesses that change an account's state: a person may be pending in only one of them.
STATE_CHANGES = ("seal", "unseal", "transfer")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def mask_id(id_number: str) -> str:
    """证件号码 with its middle hidden: 410202********1234."""
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


# The centre's clock is Beijing time (UTC+8, no summer time): at 02:00 on the 1st in Kaifeng
# it is already the new month there, though UTC still says the old one.
CENTRE_UTC_OFFSET = timedelta(hours=8)


def centre_today(now_utc: datetime) -> date:
    """The centre's date for a naive UTC time (the server's clock)."""
    return (now_utc + CENTRE_UTC_OFFSET).date()


def this_month(today: date) -> str:
    return f"{today:%Y-%m}"


def month_problem(value: Any, today: date, earliest: str | None, label: str) -> str | None:
    """Why a row's 年月 cannot be used (missing, malformed, future, too early), or None."""
    text = str(value or "").strip()
    if not text:
        return f"缺少{label}"
    match = _MONTH.match(text)
    if match is None or not 1 <= int(match.group(2)) <= 12:
        return f"{label}“{text}”格式不正确，应为 YYYY-MM，如 {this_month(today)}"
    if text > this_month(today):
        return f"{label} {text} 晚于本月（{this_month(today)}），不能预先办理"
    if earliest and text < earliest:
        return f"{label} {text} 早于该账户的{_earliest_label(label)}（{earliest}）"
    return None


def _earliest_label(label: str) -> str:
    return "开户年月" if label.startswith("封存") else "封存年月或开户年月"


def earliest_month(person: Person) -> str:
    """The earliest month a state change of this account may take effect."""
    opened = f"{person.opened_on:%Y-%m}"
    return max(opened, person.status_month or opened)


def id_key(value: Any) -> str:
    return str(value or "").strip().upper()


def pending_people(ctx: CheckContext, businesses: tuple[str, ...]) -> dict[str, tuple[int, str]]:
    """证件号码 of everyone in a pending submission of these businesses → (编号, business).

    Every unit's submissions count: a transfer pending at the new unit blocks a seal or unseal
    at the old one, and the other way round.
    """
    query = select(Submission).where(
        Submission.state == "pending", Submission.business.in_(businesses)
    )
    if ctx.submission_id is not None:
        query = query.where(Submission.id != ctx.submission_id)
    found: dict[str, tuple[int, str]] = {}
    for submission in ctx.session.scalars(query.order_by(Submission.id)):
        for row in submission.rows:
            key = id_key(row.get("id_number")) or _id_of_account(ctx, row.get("account_no"))
            if key:
                found.setdefault(key, (submission.id, submission.business))
    return found


def _id_of_account(ctx: CheckContext, account_no: Any) -> str:
    if not account_no:
        return ""
    number = ctx.session.scalar(
        select(Person.id_number).where(Person.account_no == str(account_no).strip())
    )
    return id_key(number)


# A row's problem given the people pending elsewhere (证件号码 → (编号, business)) and the
# rows seen so far (证件号码 → row number): the row number is filled in by `check_each`.
RowCheck = Callable[[dict[str, Any], dict[str, tuple[int, str]], dict[str, int]], RowProblem | None]


def check_each(
    ctx: CheckContext,
    rows: list[dict[str, Any]],
    problem_of: RowCheck,
    key_of: Callable[[dict[str, Any]], str],
) -> list[RowProblem]:
    """Every row's problem, numbered from 1; a person twice in the list is named by `key_of`."""
    pending = pending_people(ctx, STATE_CHANGES)
    seen: dict[str, int] = {}
    problems: list[RowProblem] = []
    for index, row in enumerate(rows, 1):
        problem = problem_of(row, pending, seen)
        if problem is not None:
            problems.append(RowProblem(index, problem.field, problem.message))
        key = key_of(row)
        if key:
            seen.setdefault(key, index)
    return problems


def pending_message(found: tuple[int, str]) -> str:
    number, business = found
    return (
        f"该职工已在待审核的{BUSINESS_NAMES.get(business, business)}申报（编号 {number}）中，"
        "审核完成前不能再办理"
    )


def person_in_unit(session: Session, unit_id: int, row: dict[str, Any], index: int) -> Person:
    """The row's person at the unit (by 个人账号, else 证件号码), for an approval's effect."""
    query = select(Person).where(Person.unit_id == unit_id)
    if row.get("account_no"):
        query = query.where(Person.account_no == str(row["account_no"]).strip())
    elif row.get("id_number"):
        query = query.where(Person.id_number == str(row["id_number"]).strip().upper())
    else:
        raise EffectError(f"第 {index} 行缺少个人账号或证件号码")
    person = session.scalar(query.order_by(Person.version.desc()))
    if person is None:
        raise EffectError(f"第 {index} 行的职工不在本单位")
    return person
