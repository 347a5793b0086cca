"""The one state machine of a submission: its states, their words, and the allowed moves.

A submission lives in two columns of the outbox: the upload state (`UploadState`, stored as
its code: queued / sending / sent / failed) and, once the centre has it, the review state
(`ReviewState`, stored as the centre's word: 待审核 / 审核通过 / 退回 / 已复核 / 已使用, plus
two words of this PC for what the clerk did with a 退回: 已取回修改 and 已重报).
`SubmissionState` is what a clerk sees — one word for both — and every page, the command line
and the outbox read it from here, never from raw strings of their own.
"""

from __future__ import annotations

from enum import StrEnum


class UploadState(StrEnum):
    """Where the outbox is with sending a submission (stored as the code)."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return _UPLOAD_LABELS[self]


_UPLOAD_LABELS = {
    UploadState.QUEUED: "待上传",
    UploadState.SENDING: "上传中",
    UploadState.SENT: "已提交",
    UploadState.FAILED: "失败",
}

UPLOAD_TRANSITIONS: dict[UploadState, frozenset[UploadState]] = {
    UploadState.QUEUED: frozenset({UploadState.SENDING}),
    # A send ends sent, refused (失败), or back in the queue (offline, 5xx, login expired).
    UploadState.SENDING: frozenset({UploadState.SENT, UploadState.FAILED, UploadState.QUEUED}),
    UploadState.FAILED: frozenset({UploadState.QUEUED}),  # 重新上传
    UploadState.SENT: frozenset(),
}


class ListState(StrEnum):
    """A 清册 on this PC: open for rows, or handed to the outbox (stored as the code)."""

    OPEN = "open"
    SUBMITTED = "submitted"


class SubmissionState(StrEnum):
    """A submission as the clerk sees it; the value is the word shown."""

    QUEUED = "待上传"
    SENDING = "上传中"
    FAILED = "失败"
    PENDING = "待审核"
    APPROVED = "审核通过"
    REJECTED = "退回"
    REVIEWED = "已复核"  # a ratio change approved, not yet used by a base change
    USED = "已使用"  # a reviewed ratio change a later base change has used
    REOPENED = "已取回修改"  # the clerk took the rows back into the 清册; nothing sent yet
    RESUBMITTED = "已重报"  # the corrected rows were submitted again (a new submission)

    @property
    def label(self) -> str:
        return self.value

    @property
    def is_review(self) -> bool:
        """Stored as the outbox's review state (the centre's answer or the clerk's follow-up)."""
        return self not in (SubmissionState.QUEUED, SubmissionState.SENDING, SubmissionState.FAILED)


S = SubmissionState

TRANSITIONS: dict[SubmissionState, frozenset[SubmissionState]] = {
    S.QUEUED: frozenset({S.SENDING}),
    S.SENDING: frozenset({S.QUEUED, S.FAILED, S.PENDING, S.APPROVED, S.REJECTED, S.REVIEWED}),
    S.FAILED: frozenset({S.QUEUED, S.REOPENED}),
    S.PENDING: frozenset({S.APPROVED, S.REJECTED, S.REVIEWED}),
    S.REVIEWED: frozenset({S.USED}),
    # 审核通过 may still have single rows the reviewer rejected: those can be taken back.
    S.APPROVED: frozenset({S.REOPENED}),
    S.REJECTED: frozenset({S.REOPENED}),
    S.REOPENED: frozenset({S.RESUBMITTED}),
    S.USED: frozenset(),
    S.RESUBMITTED: frozenset(),
}

# The centre's words a pull may bring back (the rest are this PC's own).
CENTRE_REVIEW_STATES = (S.PENDING, S.APPROVED, S.REJECTED, S.REVIEWED, S.USED)
# The centre has accepted the submission: its originals may be cleaned up later.
ACCEPTED = (S.APPROVED, S.REVIEWED, S.USED)
# Not yet in the centre's hands: what the window warns about on closing.
WAITING = (S.QUEUED, S.SENDING, S.FAILED)
WAITING_UPLOAD = (UploadState.QUEUED, UploadState.SENDING, UploadState.FAILED)
# Handed in and not yet reviewed: a person in such a submission is still "in" its list (a
# contradicting business is refused meanwhile).
AWAITING_REVIEW = (S.QUEUED, S.SENDING, S.PENDING)
AWAITING_REVIEW_UPLOAD = (UploadState.QUEUED, UploadState.SENDING)

# Every state a 查询 page may filter by, in the order a clerk meets them.
ORDER = tuple(SubmissionState)


def current(upload: str, review: str | None) -> SubmissionState:
    """The state a clerk sees for an outbox item's two stored columns."""
    if review:
        try:
            state = SubmissionState(review)
        except ValueError:
            state = None
        # A 失败 item reopened keeps its upload state; anything the centre said counts once sent.
        if state is not None and (upload == UploadState.SENT or state is S.REOPENED):
            return state
    return {
        UploadState.QUEUED: S.QUEUED,
        UploadState.SENDING: S.SENDING,
        UploadState.FAILED: S.FAILED,
    }.get(UploadState(upload), S.PENDING)


def can_move(before: SubmissionState, after: SubmissionState) -> bool:
    """Whether a submission may go from `before` to `after` (or stay where it is)."""
    return before is after or after in TRANSITIONS[before]


def accepts_centre_state(before: str | None, centre_state: str) -> bool:
    """Whether a review state pulled from the centre may replace what is stored.

    A pull never undoes what the clerk did after a 退回 (已取回修改, 已重报): the centre still
    says 退回 for that submission, and the clerk's step is the newer truth.
    """
    if before is None:
        return True
    try:
        old, new = SubmissionState(before), SubmissionState(centre_state)
    except ValueError:
        return True  # a word this client does not know: store what the centre says
    return can_move(old, new)


def can_reopen(state: SubmissionState, has_rejected_rows: bool = False) -> bool:
    """退回 by the reviewer, 失败 on arrival, or approved with single rows rejected."""
    if state is S.APPROVED:
        return has_rejected_rows
    return state in (S.REJECTED, S.FAILED)


def can_retry(state: SubmissionState) -> bool:
    """失败 for a reason the clerk may have fixed outside (a file put back): send as it is."""
    return state is S.FAILED
