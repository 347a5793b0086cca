"""Review states and the reviewer's actions (后台审核), shared by the CLI and tests."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundserver.businesses import EffectError, effect_for
from fundserver.db import SUBMISSION_COUNTER, Submission, next_value, utcnow
from fundserver.schemas import Submission as SubmissionOut

logger = logging.getLogger(__name__)

STATE_LABELS = {
    "pending": "待审核",
    "approved": "审核通过",
    "rejected": "退回",
    "reviewed": "已复核",
    "used": "已使用",
}
STATE_CODES = {label: code for code, label in STATE_LABELS.items()}


class ReviewError(Exception):
    """A reviewer action that cannot be done; the message is Chinese and shown as it is."""


def iso(moment: datetime) -> str:
    return moment.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def submission_out(row: Submission, *, replayed: bool = False) -> SubmissionOut:
    return SubmissionOut(
        id=row.id,
        business=row.business,
        state=STATE_LABELS[row.state],
        state_code=row.state,
        reason=row.reason,
        rows=row.rows,
        attachments=row.attachments,
        client_ref=row.client_ref,
        result=row.result,
        created_at=iso(row.created_at),
        updated_at=iso(row.updated_at),
        version=row.version,
        replayed=replayed,
    )


def touch(session: Session, row: Submission, state: str) -> None:
    """Move a submission to a state, with a new version so clients pull the change."""
    row.state = state
    row.updated_at = utcnow()
    row.version = next_value(session, SUBMISSION_COUNTER)


def _pending(session: Session, submission_id: int) -> Submission:
    row = session.get(Submission, submission_id)
    if row is None:
        raise ReviewError(f"没有编号为 {submission_id} 的申报")
    if row.state != "pending":
        raise ReviewError(
            f"申报 {submission_id} 当前状态为“{STATE_LABELS[row.state]}”，只能审核待审核的申报"
        )
    return row


def _mark_ratio_changes_used(session: Session, unit_id: int) -> None:
    """A reviewed ratio change is 已使用 once a base change of its unit is approved after it."""
    reviewed = session.scalars(
        select(Submission).where(
            Submission.unit_id == unit_id,
            Submission.business == "ratio-change",
            Submission.state == "reviewed",
        )
    )
    for row in reviewed:
        touch(session, row, "used")


def _kept_rows(row: Submission, reject_rows: Mapping[int, str]) -> Submission:
    """The submission as the effect sees it: the rows the reviewer did not reject (a copy)."""
    count = len(row.rows)
    for number, reason in reject_rows.items():
        if not 1 <= number <= count:
            raise ReviewError(f"申报 {row.id} 只有 {count} 行，没有第 {number} 行")
        if not reason.strip():
            raise ReviewError(f"退回第 {number} 行必须写明原因")
    if len(reject_rows) >= count:
        raise ReviewError("所有行都被退回：请用 reject 退回整笔申报")
    if not reject_rows:
        return row
    kept = [r for number, r in enumerate(row.rows, 1) if number not in reject_rows]
    # Not added to the session: the stored submission keeps every row it was sent with.
    return Submission(id=row.id, unit_id=row.unit_id, business=row.business, rows=kept)


def approve(
    session: Session,
    submission_id: int,
    reviewer: str = "reviewer",
    *,
    reject_rows: Mapping[int, str] | None = None,
) -> Submission:
    """Approve a pending submission and apply its business effect, all in one transaction.

    `reject_rows` (row number from 1 → reason) sends single rows back and approves the rest:
    the result lists them as `rejected_rows`, so the unit sees row by row what happened.
    """
    row = _pending(session, submission_id)
    rejected = dict(reject_rows or {})
    effective = _kept_rows(row, rejected)
    effect = effect_for(row.business)
    try:
        if effect is None:
            logger.info(
                "business %s has no approval effect registered; approving only", row.business
            )
            result: dict[str, Any] | None = None
        else:
            result = effect(session, effective)
        if row.business == "base-change":
            _mark_ratio_changes_used(session, row.unit_id)
    except EffectError as exc:
        session.rollback()
        hint = "（可用 --reject-row 行号=原因 单独退回该行，其余审核通过）" if effect else ""
        raise ReviewError(f"无法审核通过申报 {submission_id}：{exc}{hint}") from exc
    if rejected:
        result = {
            **(result or {}),
            "rejected_rows": [
                {"row": number, "reason": reason.strip()}
                for number, reason in sorted(rejected.items())
            ],
        }
    row.result = result
    row.reviewer = reviewer
    row.reason = None
    touch(session, row, "reviewed" if row.business == "ratio-change" else "approved")
    session.commit()
    return row


def reject(
    session: Session, submission_id: int, reason: str, reviewer: str = "reviewer"
) -> Submission:
    """Send a pending submission back to the unit with the reviewer's reason."""
    if not reason.strip():
        raise ReviewError("退回必须写明原因")
    row = _pending(session, submission_id)
    row.reason = reason.strip()
    row.reviewer = reviewer
    touch(session, row, "rejected")
    session.commit()
    return row
