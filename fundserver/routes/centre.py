"""GET /policy and /unit."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select

from fundserver import CENTRE_NAME
from fundserver.db import Person, Unit
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


class OpenAccountCheck(BaseModel):
    """证件号码 to check before a 个人开户 list is submitted."""

    model_config = ConfigDict(extra="forbid")

    id_numbers: list[str] = Field(min_length=1, max_length=10_000, description="证件号码")


class OpenAccountFound(BaseModel):
    id_number: str = Field(description="所查的证件号码（原样返回，便于对应清册中的行）")
    unit_code: str = Field(description="该账户所在单位的单位账号")
    unit_name: str
    in_own_unit: bool


class OpenAccountCheckResult(BaseModel):
    found: list[OpenAccountFound] = Field(
        description="已有未销户个人账户的证件号码及其所在单位；不在其中的可以开户"
    )


@router.post(
    "/persons/open-accounts", response_model=OpenAccountCheckResult, responses=ERROR_RESPONSES
)
def open_accounts(
    body: OpenAccountCheck, session: SessionDep, unit: UnitDep
) -> OpenAccountCheckResult:
    """开户前核对：哪些证件号码已在中心有未销户的个人账户、在哪个单位；不返回其他个人信息。"""
    wanted = {str(n).strip().upper(): str(n) for n in body.id_numbers if str(n).strip()}
    found: dict[str, OpenAccountFound] = {}
    keys = list(wanted)
    for start in range(0, len(keys), 500):  # stay under the database's bound-parameter limit
        rows = session.execute(
            select(Person.id_number, Unit.id, Unit.unit_code, Unit.name)
            .join(Unit, Unit.id == Person.unit_id)
            .where(Person.id_number.in_(keys[start : start + 500]), Person.status != "销户")
        )
        for id_number, unit_id, code, name in rows:
            found.setdefault(
                id_number,
                OpenAccountFound(
                    id_number=wanted[id_number],
                    unit_code=code,
                    unit_name=name,
                    in_own_unit=unit_id == unit.id,
                ),
            )
    return OpenAccountCheckResult(found=list(found.values()))
