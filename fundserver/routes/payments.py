"""GET /payments/remittances: the unit's 汇缴核定 as the centre records them.

The client takes last month's approved assessment from here (who paid what) to show 上月人数/
金额 and the month's 增加/减少, when this PC did not submit it itself.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy import select

from fundserver.db import Submission
from fundserver.deps import SessionDep, UnitDep
from fundserver.errors import ERROR_RESPONSES, ApiError
from fundserver.review import STATE_LABELS

router = APIRouter(tags=["payments"])
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class AssessedPerson(BaseModel):
    account_no: str
    name: str
    amount: str = Field(description="月缴存额，元")


class RemittanceRecord(BaseModel):
    submission_id: int
    month: str = Field(description="核定月份 YYYY-MM")
    state: str = Field(description="状态：待审核 / 审核通过 / 退回")
    state_code: str
    reason: str | None = Field(description="退回原因")
    people: list[AssessedPerson]
    result: dict[str, Any] | None = Field(
        description="审核通过后：暂存款使用、核定总金额、缴至年月"
    )


class RemittancePage(BaseModel):
    items: list[RemittanceRecord]


def _record(row: Submission) -> RemittanceRecord:
    people = [
        AssessedPerson(
            account_no=str(r.get("account_no") or ""),
            name=str(r.get("name") or ""),
            amount=str(r.get("amount") or "0"),
        )
        for r in row.rows
    ]
    return RemittanceRecord(
        submission_id=row.id,
        month=str(row.rows[0].get("month") or "") if row.rows else "",
        state=STATE_LABELS[row.state],
        state_code=row.state,
        reason=row.reason,
        people=people,
        result=row.result,
    )


@router.get("/payments/remittances", response_model=RemittancePage, responses=ERROR_RESPONSES)
def remittances(
    session: SessionDep,
    unit: UnitDep,
    month: Annotated[str | None, Query(description="只返回此核定月份 YYYY-MM")] = None,
) -> RemittancePage:
    """本单位的汇缴核定（按提交先后），含每人的月缴存额。"""
    if month is not None and not MONTH.match(month):
        raise ApiError(422, "bad_month", f"核定月份“{month}”应写成 YYYY-MM", field="month")
    rows = session.scalars(
        select(Submission)
        .where(Submission.unit_id == unit.id, Submission.business == "remittance")
        .order_by(Submission.id)
    )
    items = [_record(r) for r in rows]
    return RemittancePage(items=[i for i in items if month is None or i.month == month])
