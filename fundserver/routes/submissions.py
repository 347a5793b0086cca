"""POST/GET /submissions: one generic endpoint for every business, exactly once per key."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import Annotated, NamedTuple

from fastapi import APIRouter, Header, Path, Query, Response
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from fundserver.db import SUBMISSION_COUNTER, Attachment, Submission, Unit, next_value, utcnow
from fundserver.deps import ServerState, SessionDep, StateDep, UnitDep, UnitIdDep, unit_of
from fundserver.errors import ERROR_RESPONSES, ApiError, ErrorResponse
from fundserver.review import STATE_CODES, STATE_LABELS, submission_out
from fundserver.routes.attachments import check_business
from fundserver.routes.records import check_rows, refuse_rows
from fundserver.schemas import MAX_INT, BusinessCode, SubmissionPage, SubmissionRequest
from fundserver.schemas import Submission as SubmissionOut

router = APIRouter(tags=["submissions"])

REPLAY_HEADER = "Idempotent-Replayed"


def _request_hash(body: SubmissionRequest) -> str:
    canonical = json.dumps(
        body.model_dump(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _key_required() -> ApiError:
    return ApiError(
        400,
        "idempotency_key_required",
        "缺少幂等键（Idempotency-Key 请求头）",
        field="Idempotency-Key",
    )


def _by_key(session: Session, unit: Unit, key: str) -> Submission | None:
    return session.scalar(
        select(Submission).where(Submission.unit_id == unit.id, Submission.idempotency_key == key)
    )


def _replay(existing: Submission, request_hash: str) -> tuple[SubmissionOut, bool]:
    if existing.request_hash != request_hash:
        raise ApiError(
            409,
            "idempotency_conflict",
            "同一幂等键（Idempotency-Key）已用于内容不同的申报，请为新申报使用新的幂等键",
            field="Idempotency-Key",
        )
    return submission_out(existing, replayed=True), True


class Known(NamedTuple):
    """What a batch read for all its items at once (routes/batch.py): the submission already
    recorded under this item's key (None: none), and the unit's attachments its items name."""

    existing: Submission | None
    owned: set[str]


def owned_attachments(session: Session, unit: Unit, ids: Iterable[str]) -> set[str]:
    """Which of these attachment ids the unit has uploaded."""
    return set(
        session.scalars(
            select(Attachment.sha256).where(
                Attachment.unit_id == unit.id, Attachment.sha256.in_(set(ids))
            )
        )
    )


def _check_attachments(
    session: Session, unit: Unit, ids: list[str], owned: set[str] | None = None
) -> None:
    if not ids:
        return
    if owned is None:
        owned = owned_attachments(session, unit, ids)
    for index, attachment_id in enumerate(ids):
        if attachment_id not in owned:
            raise ApiError(
                422,
                "attachment_not_found",
                f"附件 {attachment_id[:12]}… 不存在或不属于本单位，请先上传",
                field=f"attachments[{index}]",
            )


@router.post(
    "/submissions",
    response_model=SubmissionOut,
    status_code=201,
    responses={
        **ERROR_RESPONSES,
        200: {"model": SubmissionOut, "description": "同一幂等键的重放，返回原记录"},
        409: {"model": ErrorResponse, "description": "幂等键已用于内容不同的申报"},
    },
)
async def create_submission(
    body: SubmissionRequest,
    response: Response,
    state: StateDep,
    unit_id: UnitIdDep,
    idempotency_key: Annotated[
        str,
        Header(
            alias="Idempotency-Key",
            max_length=200,
            description="客户端为每笔申报生成的唯一键，重发时不变（必填）",
        ),
    ],
) -> SubmissionOut:
    """提交一笔申报（任一业务）；相同 Idempotency-Key 重发只记录一次。"""
    key = idempotency_key.strip()
    if not key:
        raise _key_required()
    # One trip to a worker thread for all the database work (issue 12): a sync route with
    # sync dependencies made five (session open and close, the unit, the route, the answer).
    out, replayed = await run_in_threadpool(_accept_in_own_session, state, unit_id, body, key)
    if replayed:
        response.status_code = 200
        response.headers[REPLAY_HEADER] = "true"
    return out


def _accept_in_own_session(
    state: ServerState, unit_id: int, body: SubmissionRequest, key: str
) -> tuple[SubmissionOut, bool]:
    with state.sessions() as session:
        return accept_submission(state, session, unit_of(session, unit_id), body, key)


def accept_submission(
    state: ServerState,
    session: Session,
    unit: Unit,
    body: SubmissionRequest,
    key: str,
    *,
    commit: bool = True,
    known: Known | None = None,
    versions: Iterator[int] | None = None,
) -> tuple[SubmissionOut, bool]:
    """Record the submission under `key` (committed), or answer a replay of it: (record,
    replayed). ApiError when refused, having added nothing to the session.

    `commit=False` (a batch): flushed only, the caller commits the batch; an IntegrityError
    (the same key recorded meanwhile by another request) is the caller's to handle. `known`:
    what the caller read already for this key and its attachments (one query a batch);
    `versions`: counter values the caller took for its items (one statement a batch)."""
    request_hash = _request_hash(body)
    existing = _by_key(session, unit, key) if known is None else known.existing
    if existing is not None:
        return _replay(existing, request_hash)
    check_business(body.business)
    _check_attachments(session, unit, body.attachments, None if known is None else known.owned)
    problems = check_rows(state, session, unit, body.business, body.rows)
    if problems:
        # A resend of this key may have been recorded meanwhile, and its rows now conflict
        # with themselves as "already pending": that is a replay, not a refusal.
        if commit:
            session.rollback()
        existing = _by_key(session, unit, key)
        if existing is not None:
            return _replay(existing, request_hash)
        raise refuse_rows(problems)
    now = utcnow()
    row = Submission(
        unit_id=unit.id,
        business=body.business,
        rows=body.rows,
        attachments=body.attachments,
        client_ref=body.client_ref,
        idempotency_key=key,
        request_hash=request_hash,
        state="pending",
        created_at=now,
        updated_at=now,
        version=next_value(session, SUBMISSION_COUNTER) if versions is None else next(versions),
    )
    session.add(row)
    if not commit:
        session.flush()
        return submission_out(row), False
    try:
        session.commit()
    except IntegrityError:
        # Another request with the same key won the race: answer as a replay of it.
        session.rollback()
        existing = _by_key(session, unit, key)
        if existing is None:
            raise
        return _replay(existing, request_hash)
    return submission_out(row), False


@router.get("/submissions", response_model=SubmissionPage, responses=ERROR_RESPONSES)
def list_submissions(
    session: SessionDep,
    unit: UnitDep,
    since: Annotated[
        int, Query(ge=0, le=MAX_INT, description="只返回 version 大于此值（有变化）的申报")
    ] = 0,
    business: Annotated[BusinessCode | None, Query(description="业务代码")] = None,
    state: Annotated[
        str | None, Query(description="状态：中文（待审核…）或代码（pending…）")
    ] = None,
    page_size: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> SubmissionPage:
    """本单位的申报，按 version 升序；用于拉回审核状态。"""
    # Read the newest version first and list only up to it: a review committed while this
    # request runs then comes next time, instead of being skipped by a cursor read after it.
    latest = int(
        session.scalar(select(func.max(Submission.version)).where(Submission.unit_id == unit.id))
        or 0
    )
    query = select(Submission).where(
        Submission.unit_id == unit.id, Submission.version > since, Submission.version <= latest
    )
    if business is not None:
        check_business(business)
        query = query.where(Submission.business == business)
    if state is not None:
        code = STATE_CODES.get(state, state)
        if code not in STATE_LABELS:
            raise ApiError(422, "unknown_state", f"未知的状态“{state}”", field="state")
        query = query.where(Submission.state == code)
    rows = list(session.scalars(query.order_by(Submission.version).limit(page_size + 1)))
    has_more = len(rows) > page_size
    rows = rows[:page_size]
    version = rows[-1].version if has_more else max(since, latest)
    return SubmissionPage(
        items=[submission_out(r) for r in rows], version=version, has_more=has_more
    )


@router.get(
    "/submissions/{submission_id}",
    response_model=SubmissionOut,
    responses={**ERROR_RESPONSES, 404: {"model": ErrorResponse, "description": "没有这笔申报"}},
)
def get_submission(
    session: SessionDep, unit: UnitDep, submission_id: Annotated[int, Path(ge=1, le=MAX_INT)]
) -> SubmissionOut:
    """一笔申报的详情：状态、退回原因、审核结果。"""
    row = session.get(Submission, submission_id)
    if row is None or row.unit_id != unit.id:
        raise ApiError(404, "submission_not_found", f"没有编号为 {submission_id} 的申报")
    return submission_out(row)
