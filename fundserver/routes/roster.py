"""GET /roster (delta sync) and /persons/lookup (centre-wide, for 内部转移, audited)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundserver.businesses.transfer import centre_person, refusal
from fundserver.db import LookupAudit, Person, RosterDeparture, Unit
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
    """本单位职工名册，按 version 升序分页；has_more 为假时 version 即下次同步的 since。

    转出本单位的职工（内部转移）以 deleted = true 出现一次，客户端应将其移出名册。
    """
    rounding = rounding_method(state.policy)
    wanted = (page - 1) * page_size + page_size + 1
    people = session.scalars(
        select(Person)
        .where(Person.unit_id == unit.id, Person.version > since)
        .order_by(Person.version)
        .limit(wanted)
    )
    # Departures are rare: merged by version with the people who changed.
    gone = session.scalars(
        select(RosterDeparture)
        .where(RosterDeparture.unit_id == unit.id, RosterDeparture.version > since)
        .order_by(RosterDeparture.version)
        .limit(wanted)
    )
    merged = sorted(
        [person_out(p, rounding) for p in people] + [_departure(d, rounding) for d in gone],
        key=lambda item: item.version,
    )
    items = merged[(page - 1) * page_size : wanted]
    has_more = len(items) > page_size
    items = items[:page_size]
    if has_more:
        version = items[-1].version
    else:
        latest = max(
            int(
                session.scalar(select(func.max(Person.version)).where(Person.unit_id == unit.id))
                or 0
            ),
            int(
                session.scalar(
                    select(func.max(RosterDeparture.version)).where(
                        RosterDeparture.unit_id == unit.id
                    )
                )
                or 0
            ),
        )
        version = max(since, latest)
    return RosterPage(items=items, version=version, has_more=has_more)


def _departure(departure: RosterDeparture, rounding: str) -> RosterPerson:
    """The person as the unit last saw them, marked deleted: they left by 内部转移."""
    data = departure.record
    base, unit_ratio = Decimal(data["base"]), Decimal(data["unit_ratio"])
    personal_ratio = Decimal(data["personal_ratio"])
    unit_part = round_amount(base * unit_ratio, rounding)
    personal_part = round_amount(base * personal_ratio, rounding)
    return RosterPerson(
        account_no=departure.account_no,
        name=data["name"],
        id_type=data["id_type"],
        id_number=data["id_number"],
        sex=data["sex"],
        birth_date=data["birth_date"],
        status=data["status"],
        base=f"{base:.2f}",
        unit_ratio=str(unit_ratio),
        personal_ratio=str(personal_ratio),
        monthly_amount=MonthlyAmount(
            unit=str(unit_part), personal=str(personal_part), total=str(unit_part + personal_part)
        ),
        opened_on=data["opened_on"],
        paid_to=data["paid_to"],
        version=departure.version,
        deleted=True,
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
    person = centre_person(session, wanted_name, wanted_id)
    if person is None:
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
        transfer_refusal=refusal(session, unit, person),
    )
