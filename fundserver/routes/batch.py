"""POST /submissions/batch: several independent submissions in one request, each on its own.

Each item carries its own Idempotency-Key and is handled exactly as POST /submissions handles
one (same checks, same replay rule, committed on its own), in the order given; each gets its
own answer: the record (201 new, 200 a replay) or the error a single POST would have got. One
item's refusal never touches another. The batch is committed once, after its last item; no
answer is given before that commit. Why (issue 12): a submission's own work on the centre is
a few milliseconds; the request around it (HTTP, middleware, dependencies, authentication, a
trip to a worker thread) cost as much again, once per submission.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from fundserver.db import SUBMISSION_COUNTER, Unit, take_values
from fundserver.db import Submission as SubmissionRow
from fundserver.deps import ServerState, StateDep, UnitIdDep, unit_of
from fundserver.errors import ERROR_RESPONSES, ApiError, ErrorBody
from fundserver.routes.submissions import Known, accept_submission, owned_attachments
from fundserver.schemas import Submission, SubmissionRequest

router = APIRouter(tags=["submissions"])

MAX_BATCH = 100
MAX_KNOWN_ATTACHMENTS = 2000  # read at once up to this many (bound parameters of one query)


class BatchItem(SubmissionRequest):
    idempotency_key: Annotated[
        str,
        Field(
            min_length=1,
            max_length=200,
            description="这笔申报的幂等键（与单笔提交的 Idempotency-Key 请求头相同），重发时不变",
        ),
    ]


class SubmissionBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    submissions: list[BatchItem] = Field(min_length=1, max_length=MAX_BATCH)


class BatchResult(BaseModel):
    status: int = Field(description="单笔提交会得到的 HTTP 状态：201 新记录，200 重放，4xx 拒绝")
    submission: Submission | None = Field(default=None, description="记录（成功时）")
    error: ErrorBody | None = Field(default=None, description="拒绝原因（失败时）")


class BatchResults(BaseModel):
    results: list[BatchResult] = Field(description="与请求中的申报一一对应，顺序相同")


@router.post("/submissions/batch", response_model=BatchResults, responses=ERROR_RESPONSES)
async def create_submissions(
    body: SubmissionBatch, state: StateDep, unit_id: UnitIdDep
) -> BatchResults:
    """一次提交多笔互不相关的申报（至多 100 笔）；每笔有自己的幂等键、各自记录、各自应答。"""
    return await run_in_threadpool(_accept_all, state, unit_id, body)


def _accept_all(state: ServerState, unit_id: int, body: SubmissionBatch) -> BatchResults:
    """Every item in one transaction (one commit, nothing read again after it); if another
    request recorded one of these keys meanwhile, the batch again with a commit an item."""
    with state.sessions() as session:
        unit = unit_of(session, unit_id)
        try:
            results = _each(state, session, unit, body, commit=False)
            session.commit()
        except IntegrityError:
            session.rollback()
            results = _each(state, session, unit, body, commit=True)
    return BatchResults(results=results)


def _known(session: Session, unit: Unit, body: SubmissionBatch) -> dict[str, Known]:
    """What every item's key and attachments find on the centre, in two queries, not two an
    item (issue 12). A key sent twice in one batch is known for its first item only: the
    second must see what the first recorded, so it is looked up when its turn comes."""
    keys = {item.idempotency_key.strip() for item in body.submissions} - {""}
    attachments = {a for item in body.submissions for a in item.attachments}
    if not keys or len(attachments) > MAX_KNOWN_ATTACHMENTS:
        return {}
    recorded = session.scalars(
        select(SubmissionRow).where(
            SubmissionRow.unit_id == unit.id, SubmissionRow.idempotency_key.in_(keys)
        )
    )
    existing = {row.idempotency_key: row for row in recorded}
    owned = owned_attachments(session, unit, attachments) if attachments else set()
    return {key: Known(existing.get(key), owned) for key in keys}


def _each(
    state: ServerState, session: Session, unit: Unit, body: SubmissionBatch, *, commit: bool
) -> list[BatchResult]:
    results: list[BatchResult] = []
    known = _known(session, unit, body)
    # The batch's versions in one statement; in the redo, each commit takes its own.
    versions = None if commit else take_values(session, SUBMISSION_COUNTER, len(body.submissions))
    for item in body.submissions:
        key = item.idempotency_key.strip()
        # Checked already as a BatchItem: the same fields, not validated a second time.
        request = SubmissionRequest.model_construct(
            business=item.business,
            rows=item.rows,
            attachments=item.attachments,
            client_ref=item.client_ref,
        )
        try:
            if not key:
                raise ApiError(
                    400,
                    "idempotency_key_required",
                    "缺少幂等键（idempotency_key）",
                    field="idempotency_key",
                )
            record, replayed = accept_submission(
                state,
                session,
                unit,
                request,
                key,
                commit=commit,
                known=known.pop(key, None),
                versions=versions,
            )
        except ApiError as refused:
            if commit:
                session.rollback()
            error = ErrorBody(code=refused.code, message=refused.message, field=refused.field)
            results.append(BatchResult(status=refused.status, error=error))
            continue
        results.append(BatchResult(status=200 if replayed else 201, submission=record))
    return results
