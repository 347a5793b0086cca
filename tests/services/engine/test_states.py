"""The one submission state machine: words, allowed moves, what a pull may change."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from app.services.engine import states
from app.services.engine.states import SubmissionState as S
from app.services.engine.states import UploadState

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("upload", "review", "seen"),
    [
        ("queued", None, "待上传"),
        ("sending", None, "上传中"),
        ("failed", None, "失败"),
        ("sent", "待审核", "待审核"),
        ("sent", "审核通过", "审核通过"),
        ("sent", "已复核", "已复核"),
        ("sent", "已使用", "已使用"),
        ("sent", "已取回修改", "已取回修改"),
        ("failed", "已取回修改", "已取回修改"),  # a 失败 list taken back for correction
        ("queued", "待审核", "待上传"),  # a review word means nothing before the centre has it
    ],
)
def test_one_word_for_the_two_stored_columns(upload: str, review: str | None, seen: str) -> None:
    assert states.current(upload, review).label == seen


def test_review_states_include_those_a_ratio_change_needs() -> None:
    assert {"已复核", "已使用"} <= {s.value for s in states.CENTRE_REVIEW_STATES}
    assert states.can_move(S.REVIEWED, S.USED) and not states.can_move(S.APPROVED, S.USED)


def test_a_pull_never_undoes_what_the_clerk_did_after_a_rejection() -> None:
    assert not states.accepts_centre_state("已取回修改", "退回")
    assert not states.accepts_centre_state("已重报", "退回")
    assert states.accepts_centre_state("待审核", "退回")
    assert states.accepts_centre_state(None, "审核通过")
    assert not states.accepts_centre_state("审核通过", "待审核")


def test_reopen_and_retry_follow_the_state() -> None:
    assert states.can_reopen(S.REJECTED) and states.can_reopen(S.FAILED)
    assert not states.can_reopen(S.APPROVED)
    assert states.can_reopen(S.APPROVED, has_rejected_rows=True)
    assert not states.can_reopen(S.REOPENED) and not states.can_reopen(S.RESUBMITTED)
    assert states.can_retry(S.FAILED) and not states.can_retry(S.REJECTED)


def test_every_upload_state_has_a_label_and_a_way_on() -> None:
    assert [s.label for s in UploadState] == ["待上传", "上传中", "已提交", "失败"]
    assert set(states.UPLOAD_TRANSITIONS) == set(UploadState)
    assert set(states.TRANSITIONS) == set(S)


def _string_constants(path: Path) -> set[str]:
    """String literals of a module, except the keys of dict displays (JSON field names)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    keys = {id(k) for node in ast.walk(tree) if isinstance(node, ast.Dict) for k in node.keys}
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in keys
    }


@pytest.mark.parametrize(
    "module",
    sorted(
        str(p.relative_to(ROOT))
        for p in (ROOT / "app").rglob("*.py")
        if p.name != "states.py" and "migrations" not in p.parts
    ),
)
def test_no_raw_state_words_outside_the_state_machine(module: str) -> None:
    raw = {"queued", "sending", "sent", "failed", "open", "submitted"} | {s.value for s in S}
    assert _string_constants(ROOT / module) & raw == set()


def test_the_state_machine_reads_what_it_does_not_know_as_safely_as_it_can() -> None:
    assert states.current(UploadState.SENT, "由中心新增的状态") is S.PENDING
    assert states.accepts_centre_state(S.PENDING.value, "由中心新增的状态")
    assert S.APPROVED.is_review and not S.QUEUED.is_review


def test_a_person_in_a_list_awaiting_review_is_held_while_queued_sent_or_at_the_centre() -> None:
    assert states.AWAITING_REVIEW == (S.QUEUED, S.SENDING, S.PENDING)
    assert UploadState.FAILED not in states.AWAITING_REVIEW_UPLOAD
