"""GET /policy, /unit and /openings; POST /persons/open-accounts (the check before 开户)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select

from fundserver import CENTRE_NAME
from fundserver.db import Person, Unit
from fundserver.deps import SessionDep, StateDep, UnitDep, UnitIdDep
from fundserver.errors import ERROR_RESPONSES
from fundserver.policy import round_amount, rounding_method
from fundserver.schemas import MAX_INT, PersonCounts, UnitProfile

router = APIRouter(tags=["centre"])


@router.get("/policy", response_model=dict[str, Any], responses=ERROR_RESPONSES)
async def policy(request: Request, state: StateDep, unit_id: UnitIdDep) -> Response:
    """中心政策（比例、基数、舍入、字典、影像资料要求、附件限制），整体下发，source = server。"""
    # Encoded once; with If-None-Match a client that has it gets 304 and no body. The caller
    # must still be signed in: the token is checked first (from the cache, no database read).
    body, etag = state.policy_body.of(state.policy)
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    wanted = request.headers.get("if-none-match", "")
    if etag in (tag.strip().removeprefix("W/") for tag in wanted.split(",")):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


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


class Opening(BaseModel):
    """One account opened at the unit, as the centre records it (证件号码 masked)."""

    opened_on: str = Field(description="开户日期 YYYY-MM-DD")
    account_no: str = Field(description="个人账号")
    name: str
    id_number_masked: str = Field(description="证件号码（中间以 * 遮盖）")
    base: str = Field(description="缴存基数，元")
    monthly_amount: str = Field(description="月缴存额（单位 + 个人），元")
    status: str = Field(description="账户状态：正常 / 封存 / 销户")


class OpeningsPage(BaseModel):
    items: list[Opening]
    total: int
    page: int
    has_more: bool


def _masked(id_number: str) -> str:
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


@router.get("/openings", response_model=OpeningsPage, responses=ERROR_RESPONSES)
def openings(
    state: StateDep,
    session: SessionDep,
    unit: UnitDep,
    page: Annotated[int, Query(ge=1, le=MAX_INT)] = 1,
    page_size: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> OpeningsPage:
    """本单位的个人开户记录（中心记录，不论由哪台电脑提交），按开户日期从新到旧分页。"""
    total = int(session.scalar(select(func.count()).where(Person.unit_id == unit.id)) or 0)
    people = list(
        session.scalars(
            select(Person)
            .where(Person.unit_id == unit.id)
            .order_by(Person.opened_on.desc(), Person.id.desc())
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
    )
    rounding = rounding_method(state.policy)
    items = [
        Opening(
            opened_on=p.opened_on.isoformat(),
            account_no=p.account_no,
            name=p.name,
            id_number_masked=_masked(p.id_number),
            base=f"{p.base:.2f}",
            monthly_amount=str(
                round_amount(p.base * p.unit_ratio, rounding)
                + round_amount(p.base * p.personal_ratio, rounding)
            ),
            status=p.status,
        )
        for p in people
    ]
    return OpeningsPage(items=items, total=total, page=page, has_more=page * page_size < total)
