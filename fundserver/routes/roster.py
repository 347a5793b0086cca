"""GET /roster (delta sync) and /persons/lookup (centre-wide, for 内部转移, audited)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundserver.db import LookupAudit, Person, Unit
from fundserver.deps import SessionDep, StateDep, UnitDep
from fundserver.errors import ERROR_RESPONSES, ApiError, ErrorResponse
from fundserver.policy import round_amount, rounding_method
from fundserver.schemas import (
    MAX_INT,
    MAX_PAGE,
    MonthlyAmount,
    PersonLookup,
    RosterPage,
    RosterPerson,
)
from fundserver.throttle import hit

router = APIRouter(tags=["roster"])


def person_out(person: Person, rounding: str) -> RosterPerson:
    unit_part = round_amount(person.base * person.unit_ratio, rounding)
    personal_part = round_amount(person.base * person.personal_ratio, rounding)
    return RosterPerson(
        account_no=person.account_no,
        name=person.name,
        id_type=person.id_type,
        id_number=person.id_number,
        sex=person.sex,
        birth_date=person.birth_date.isoformat() if person.birth_date else None,
        status=person.status,
        base=f"{person.base:.2f}",
        unit_ratio=str(person.unit_ratio),
        personal_ratio=str(person.personal_ratio),
        monthly_amount=MonthlyAmount(
            unit=str(unit_part), personal=str(personal_part), total=str(unit_part + personal_part)
        ),
        opened_on=person.opened_on.isoformat(),
        paid_to=person.paid_to,
        version=person.version,
    )


@router.get("/roster", response_model=RosterPage, responses=ERROR_RESPONSES)
def roster(
    state: StateDep,
    session: SessionDep,
    unit: UnitDep,
    since: Annotated[int, Query(ge=0, le=MAX_INT, description="只返回 version 大于此值的职工")] = 0,
    # page × page_size must stay a 64-bit offset (2^63-1 pages overflowed into a 500).
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    page_size: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> RosterPage:
    """本单位职工名册，按 version 升序分页；has_more 为假时 version 即下次同步的 since。"""
    query = (
        select(Person)
        .where(Person.unit_id == unit.id, Person.version > since)
        .order_by(Person.version)
        .offset((page - 1) * page_size)
        .limit(page_size + 1)
    )
    people = list(session.scalars(query))
    has_more = len(people) > page_size
    people = people[:page_size]
    if has_more:
        version = people[-1].version
    else:
        latest = session.scalar(select(func.max(Person.version)).where(Person.unit_id == unit.id))
        version = max(since, int(latest or 0))
    rounding = rounding_method(state.policy)
    return RosterPage(
        items=[person_out(p, rounding) for p in people], version=version, has_more=has_more
    )


def mask_id(id_number: str) -> str:
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "查无相符的职工（不区分原因）"},
    429: {"model": ErrorResponse, "description": "本单位查询过于频繁"},
}
LOOKUP_WINDOW = timedelta(minutes=1)


def _audit(session: Session, unit: Unit, name: str, id_number: str, outcome: str) -> None:
    session.add(
        LookupAudit(
            unit_id=unit.id,
            name=name[:100],
            id_number_masked=mask_id(id_number)[:32],
            outcome=outcome,
        )
    )
    session.commit()


@router.get(
    "/persons/lookup", response_model=PersonLookup, responses={**ERROR_RESPONSES, **_NOT_FOUND}
)
def lookup_person(
    state: StateDep,
    session: SessionDep,
    unit: UnitDep,
    name: Annotated[str, Query(min_length=1, max_length=100, description="姓名")],
    id_number: Annotated[str, Query(min_length=1, max_length=32, description="证件号码")],
) -> PersonLookup:
    """全中心按姓名 + 证件号码查人（内部转移）；只返回转移需要的信息。

    查无此人与姓名不符的回答相同；每个单位每分钟限查若干次；每次查询都记入审计表。
    """
    wanted_id, wanted_name = id_number.strip().upper(), name.strip()
    limit = state.auth.lookups_per_minute
    if not hit(session, f"lookup:{unit.id}", limit, LOOKUP_WINDOW, state.clock()):
        _audit(session, unit, wanted_name, wanted_id, "rate_limited")
        raise ApiError(
            429,
            "lookup_rate_limited",
            f"查询过于频繁（每分钟最多 {limit} 次），请 1 分钟后再试",
            headers={"Retry-After": "60"},
        )
    candidates = list(
        session.scalars(
            select(Person).where(Person.id_number == wanted_id).order_by(Person.version.desc())
        )
    )
    # An ID may have an old closed account beside a live one: the live one is who they are now.
    live = [p for p in candidates if p.status != "销户"]
    person = next(iter(live or candidates), None)
    if person is None or person.name != wanted_name:
        # One answer whatever the reason, so the lookup cannot confirm that an ID exists.
        _audit(session, unit, wanted_name, wanted_id, "no_match")
        raise ApiError(
            404, "person_not_found", "中心没有姓名与证件号码都相符的职工记录，请核对后再查"
        )
    _audit(session, unit, wanted_name, wanted_id, "found")
    holder = session.get(Unit, person.unit_id)
    assert holder is not None
    own = holder.id == unit.id
    return PersonLookup(
        name=person.name,
        id_number_masked=mask_id(person.id_number),
        status=person.status,
        unit_code=holder.unit_code,
        unit_name=holder.name,
        account_no=person.account_no if own else None,
        in_own_unit=own,
    )
