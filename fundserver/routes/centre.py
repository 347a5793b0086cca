"""GET /policy and /unit."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import func, select

from fundserver import CENTRE_NAME
from fundserver.db import Person
from fundserver.deps import SessionDep, StateDep, UnitDep
from fundserver.errors import ERROR_RESPONSES
from fundserver.policy import served_policy
from fundserver.schemas import PersonCounts, UnitProfile

router = APIRouter(tags=["centre"])


@router.get("/policy", responses=ERROR_RESPONSES)
def policy(state: StateDep, unit: UnitDep) -> dict[str, Any]:
    """中心政策（比例、基数、舍入、字典、影像资料要求、附件限制），整体下发，source = server。"""
    return served_policy(state.policy)


@router.get("/unit", response_model=UnitProfile, responses=ERROR_RESPONSES)
def unit_profile(state: StateDep, session: SessionDep, unit: UnitDep) -> UnitProfile:
    """本单位概况：名称、比例、缴至年月、暂存款余额、人数。"""
    rows = session.execute(
        select(Person.status, func.count()).where(Person.unit_id == unit.id).group_by(Person.status)
    ).all()
    counts = {str(status): int(n) for status, n in rows}
    return UnitProfile(
        unit_code=unit.unit_code,
        name=unit.name,
        centre_name=str(state.policy.get("centre_name", CENTRE_NAME)),
        unit_ratio=str(unit.unit_ratio),
        personal_ratio=str(unit.personal_ratio),
        paid_to=unit.paid_to,
        suspense_balance=f"{unit.suspense_balance:.2f}",
        person_counts=PersonCounts(
            total=sum(counts.values()),
            normal=counts.get("正常", 0),
            sealed=counts.get("封存", 0),
            closed=counts.get("销户", 0),
        ),
    )
