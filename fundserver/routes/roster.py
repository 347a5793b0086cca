"""GET /roster (delta sync) and /persons/lookup (centre-wide, for 内部转移)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import func, select

from fundserver.db import Person, Unit
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
    404: {"model": ErrorResponse, "description": "查无此人或姓名与证件号码不一致"}
}


@router.get(
    "/persons/lookup", response_model=PersonLookup, responses={**ERROR_RESPONSES, **_NOT_FOUND}
)
def lookup_person(
    session: SessionDep,
    unit: UnitDep,
    name: Annotated[str, Query(min_length=1, max_length=100, description="姓名")],
    id_number: Annotated[str, Query(min_length=1, max_length=32, description="证件号码")],
) -> PersonLookup:
    """全中心按姓名 + 证件号码查人（内部转移）；只返回经办人可以看到的信息。"""
    wanted_id = id_number.strip().upper()
    candidates = list(
        session.scalars(
            select(Person).where(Person.id_number == wanted_id).order_by(Person.version.desc())
        )
    )
    if not candidates:
        raise ApiError(404, "person_not_found", "中心没有此证件号码的职工记录", field="id_number")
    # An ID may have an old closed account beside a live one: the live one is who they are now.
    live = [p for p in candidates if p.status != "销户"]
    person = (live or candidates)[0]
    if person.name != name.strip():
        raise ApiError(404, "name_id_mismatch", "姓名与证件号码不一致，请核对", field="name")
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
