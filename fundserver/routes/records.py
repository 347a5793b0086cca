"""POST /submissions/check (rows the centre would refuse) and GET /records (查询 pages).

/records lists the unit's submissions of the asked businesses row by row, as the centre holds
them whichever PC sent them: state (a row the reviewer sent back alone reads 退回), the row's
own reason, the reviewer's reason, and what approval gave back. 证件号码 are masked.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from fundserver.businesses import CheckContext, RowProblem, check_for
from fundserver.businesses.people import BUSINESS_NAMES, centre_today, mask_id
from fundserver.db import Submission, Unit
from fundserver.deps import SessionDep, StateDep, UnitDep
from fundserver.errors import ERROR_RESPONSES, ApiError
from fundserver.review import STATE_LABELS, iso
from fundserver.routes.attachments import check_business
from fundserver.schemas import MAX_INT, BusinessCode, Row

router = APIRouter(tags=["records"])


class RowCheckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    business: BusinessCode = Field(description="业务代码")
    rows: list[Row] = Field(min_length=1, max_length=100_000)


class RowProblemOut(BaseModel):
    row: int = Field(description="行号，从 1 起")
    field: str | None = Field(description="有问题的字段（行内字段名）")
    message: str = Field(description="中文原因")


class RowCheckResult(BaseModel):
    problems: list[RowProblemOut] = Field(description="中心会拒绝的行；为空即全部可以提交")


def check_rows(
    state: Any, session: Any, unit: Unit, business: str, rows: list[dict[str, Any]]
) -> list[RowProblem]:
    check = check_for(business)
    if check is None:
        return []
    context = CheckContext(session, unit, centre_today(state.clock()), state.policy)
    return check(context, rows)


def refuse_rows(problems: list[RowProblem]) -> ApiError:
    """The 422 a submission with refused rows gets: every row named, the first as the field."""
    shown = "；".join(f"第 {p.row} 行：{p.message}" for p in problems[:20])
    more = f"（另有 {len(problems) - 20} 行）" if len(problems) > 20 else ""
    first = problems[0]
    field = f"rows[{first.row - 1}]" + (f".{first.field}" if first.field else "")
    return ApiError(422, "rows_refused", f"{shown}{more}", field=field)


@router.post("/submissions/check", response_model=RowCheckResult, responses=ERROR_RESPONSES)
def check_submission(
    body: RowCheckRequest, state: StateDep, session: SessionDep, unit: UnitDep
) -> RowCheckResult:
    """提交前核对：按中心记录逐行检查（账户状态、所在单位、待审核中的冲突、年月），不记录任何申报。"""
    check_business(body.business)
    problems = check_rows(state, session, unit, body.business, body.rows)
    return RowCheckResult(
        problems=[RowProblemOut(row=p.row, field=p.field, message=p.message) for p in problems]
    )


class RecordRow(BaseModel):
    """One row of a submission as the centre records it."""

    submission_id: int
    business: str
    business_name: str
    row: int = Field(description="在该笔申报中的行号，从 1 起")
    submitted_at: str
    reviewed_at: str | None
    state: str = Field(description="待审核 / 审核通过 / 退回 / …（单独退回的行为退回）")
    state_code: str
    review_reason: str | None = Field(description="审核人员写明的退回原因")
    name: str
    account_no: str
    id_number_masked: str
    month: str = Field(description="封存年月 / 启封年月 / 转入年月")
    reason: str = Field(description="封存原因 / 启封原因 等")
    details: dict[str, str] = Field(description="业务特有的信息，如转出单位")


class RecordsPage(BaseModel):
    items: list[RecordRow]
    total: int
    page: int
    has_more: bool


def _row_outcome(submission: Submission, number: int) -> tuple[str, str | None]:
    for rejected in (submission.result or {}).get("rejected_rows") or []:
        if rejected.get("row") == number:
            return "rejected", str(rejected.get("reason") or "")
    return submission.state, submission.reason


def _result_person(submission: Submission, row: dict[str, Any]) -> dict[str, Any]:
    """What approval gave back for this row: matched by 个人账号, else by 证件号码."""
    account_no = str(row.get("account_no") or "").strip()
    id_number = str(row.get("id_number") or "").strip().upper()
    for person in (submission.result or {}).get("persons") or []:
        if not isinstance(person, dict):
            continue
        if (account_no and person.get("account_no") == account_no) or (
            id_number and str(person.get("id_number") or "").upper() == id_number
        ):
            return person
    return {}


def _percent(value: Any) -> str:
    try:
        return f"{(Decimal(str(value)) * 100).normalize():f}%"
    except InvalidOperation:
        return str(value)


def _ratio_details(submission: Submission, row: dict[str, Any]) -> dict[str, str]:
    """缴存比例调整: the new ratios, and the day of each step (复核, then 使用 by a 基数调整)."""
    result = submission.result or {}
    details = {
        "单位缴存比例": _percent(row.get("unit_ratio")),
        "个人缴存比例": _percent(row.get("personal_ratio")),
    }
    if result.get("reviewed_on"):
        details["复核日期"] = str(result["reviewed_on"])
    if result.get("used_on"):
        details["使用日期"] = str(result["used_on"])
        details["使用于基数调整"] = str(result.get("used_by") or "")
    return details


def _details(submission: Submission, row: dict[str, Any], person: dict[str, Any]) -> dict[str, str]:
    if submission.business == "ratio-change":
        return _ratio_details(submission, row)
    details: dict[str, str] = {}
    for key, label in (("from_unit_name", "转出单位名称"), ("from_unit_code", "转出单位账号")):
        value = person.get(key) or row.get(key)
        if value:
            details[label] = str(value)
    if row.get("base"):
        details["缴存基数"] = str(row["base"])
    if submission.business == "base-change" and row.get("monthly_amount"):
        details["月缴存额"] = str(row["monthly_amount"])
    return details


def _record(submission: Submission, number: int, row: dict[str, Any]) -> RecordRow:
    state, review_reason = _row_outcome(submission, number)
    person = _result_person(submission, row) if state == "approved" else {}
    return RecordRow(
        submission_id=submission.id,
        business=submission.business,
        business_name=BUSINESS_NAMES.get(submission.business, submission.business),
        row=number,
        submitted_at=iso(submission.created_at),
        reviewed_at=None if submission.state == "pending" else iso(submission.updated_at),
        state=STATE_LABELS[state],
        state_code=state,
        review_reason=review_reason,
        name=str(row.get("name") or person.get("name") or ""),
        account_no=str(row.get("account_no") or person.get("account_no") or ""),
        id_number_masked=mask_id(str(row.get("id_number") or "")),
        month=str(row.get("month") or row.get("effective_month") or ""),
        reason=str(row.get("reason") or ""),
        details=_details(submission, row, person),
    )


@router.get("/records", response_model=RecordsPage, responses=ERROR_RESPONSES)
def records(
    session: SessionDep,
    unit: UnitDep,
    business: Annotated[list[BusinessCode], Query(min_length=1, description="业务代码，可重复")],
    page: Annotated[int, Query(ge=1, le=MAX_INT)] = 1,
    page_size: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> RecordsPage:
    """本单位这些业务的中心记录（不论由哪台电脑提交），逐行，从新到旧分页。"""
    for code in business:
        check_business(code)
    submissions = session.scalars(
        select(Submission)
        .where(Submission.unit_id == unit.id, Submission.business.in_(business))
        .order_by(Submission.id.desc())
    )
    rows = [(s, n, r) for s in submissions for n, r in enumerate(s.rows, 1)]
    start = (page - 1) * page_size
    items = [_record(s, n, r) for s, n, r in rows[start : start + page_size]]
    return RecordsPage(
        items=items, total=len(rows), page=page, has_more=start + page_size < len(rows)
    )
