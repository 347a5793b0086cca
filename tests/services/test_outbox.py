"""The outbox's state machine against a fake centre: backoff, each kind of failure, resumes."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from app.errors import AuthError, OfflineError, ServerError, ServerRejectedError
from app.models import Attachment, OutboxItem, Unit
from app.services.api.models import AttachmentInfo, SubmissionPage, SubmissionRecord, UnitProfile
from app.services.context import AppServices
from app.services.engine.states import SubmissionState
from app.services.outbox import (
    BACKOFF_CAP,
    OutboxSync,
    backoff_seconds,
    requeue_failed,
)

RESUBMITTED = SubmissionState.RESUBMITTED

START = datetime(2026, 11, 27, 9, 0, 0)


class FakeClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


Outcome = Exception | Callable[[], None] | None


class FakeCentre:
    """A centre that records each Idempotency-Key once and fails as scripted.

    `script` holds, per submit call, None (answer normally), an exception to raise before
    recording, or a callable run after recording (the answer is lost on the way back).
    """

    def __init__(self) -> None:
        self.script: list[Outcome] = []
        self.upload_script: list[Exception | None] = []
        self.records: dict[str, SubmissionRecord] = {}
        self.submit_calls: list[tuple[str, list[str]]] = []
        self.uploads: list[str] = []
        self.stored_blobs: set[str] = set()
        self.pages: list[SubmissionRecord] = []
        self.pull_failure_after: int | None = None
        self.pull_calls = 0
        self.roster_pages: list[dict[str, Any]] = []  # what /roster answers, in order
        self.roster_calls: list[int] = []
        self.closed = 0
        self.profile_calls = 0

    def upload_attachment(
        self, path: str | Path, sha256: str, material: str, business: str
    ) -> AttachmentInfo:
        self.uploads.append(sha256)
        if self.upload_script:
            error = self.upload_script.pop(0)
            if error is not None:
                raise error
        self.stored_blobs.add(sha256)
        return AttachmentInfo(sha256, sha256, Path(path).stat().st_size, "image/png")

    def submit(
        self,
        business: str,
        rows: Sequence[Mapping[str, Any]],
        attachments: Sequence[str],
        idempotency_key: str,
        client_ref: str | None = None,
    ) -> SubmissionRecord:
        self.submit_calls.append((idempotency_key, list(attachments)))
        outcome = self.script.pop(0) if self.script else None
        if isinstance(outcome, Exception):
            raise outcome
        replayed = idempotency_key in self.records
        if not replayed:
            self.records[idempotency_key] = _record(len(self.records) + 1, "待审核", business)
        if outcome is not None:
            outcome()
        record = self.records[idempotency_key]
        return SubmissionRecord(**{**record.__dict__, "replayed": replayed})

    def submissions(
        self,
        since: int = 0,
        *,
        business: str | None = None,
        state: str | None = None,
        page_size: int = 200,
    ) -> SubmissionPage:
        self.pull_calls += 1
        if self.pull_failure_after is not None and self.pull_calls > self.pull_failure_after:
            raise OfflineError("无法连接公积金中心服务器", code="offline")
        newer = sorted((r for r in self.pages if r.version > since), key=lambda r: r.version)
        page = newer[:page_size]
        has_more = len(newer) > page_size
        version = page[-1].version if has_more else max([since, *(r.version for r in newer)])
        return SubmissionPage(page, version, has_more)

    def roster(self, since: int = 0, *, page: int = 1, page_size: int = 500) -> Any:
        self.roster_calls.append(since)
        if self.roster_pages:
            return self.roster_pages.pop(0)
        return {"items": [], "version": since, "has_more": False}

    def unit_profile(self) -> UnitProfile:
        self.profile_calls += 1
        return UnitProfile(
            "100001", "示范厂", "开封市住房公积金管理中心", Decimal("0.12"), Decimal("0.12"),
            "2026-10", Decimal("0"), {"正常": 0},
        )  # fmt: skip

    def close(self) -> None:
        self.closed += 1


def _record(
    server_id: int,
    state: str,
    business: str = "open-account",
    *,
    version: int = 0,
    reason: str | None = None,
    result: dict[str, Any] | None = None,
) -> SubmissionRecord:
    return SubmissionRecord(
        id=server_id,
        business=business,
        state=state,
        state_code="",
        reason=reason,
        rows=[],
        attachments=[],
        client_ref=None,
        result=result,
        created_at="",
        updated_at="",
        version=version or server_id,
        replayed=False,
    )


def _lost_answer() -> None:
    raise ServerError("服务器暂时出错（HTTP 500），请稍后重试")


def _killed() -> None:
    raise KeyboardInterrupt  # the app dies after the centre recorded it, before the answer


@pytest.fixture
def centre() -> FakeCentre:
    return FakeCentre()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def outbox(services: AppServices, unit_id: int, centre: FakeCentre, clock: FakeClock) -> OutboxSync:
    return OutboxSync(services.store, unit_id, lambda: centre, clock=clock, rng=random.Random(7))


def queue(services: AppServices, unit_id: int, *, attachments: Sequence[int] = ()) -> int:
    with services.store.session() as session:
        item = OutboxItem(
            unit_id=unit_id,
            business="open-account",
            idempotency_key=uuid.uuid4().hex,
            rows=[{"name": "张三", "id_number": "410203199001011230", "base": "5000.00"}],
            attachment_ids=list(attachments),
            state="queued",
        )
        session.add(item)
        session.flush()
        return item.id


def add_attachment(services: AppServices, unit_id: int, path: Path) -> int:
    path.write_bytes(b"\x89PNG\r\n\x1a\n fake page")
    with services.store.session() as session:
        row = Attachment(
            unit_id=unit_id,
            business="open-account",
            material="身份证复印件",
            path=str(path),
            sha256="ab" * 32,
            size=path.stat().st_size,
        )
        session.add(row)
        session.flush()
        return row.id


def item(services: AppServices, item_id: int) -> OutboxItem:
    with services.store.session() as session:
        return session.get_one(OutboxItem, item_id)


def test_a_queued_item_is_sent_once_with_its_own_key(
    services: AppServices, unit_id: int, outbox: OutboxSync, centre: FakeCentre
) -> None:
    first = queue(services, unit_id)
    counts = outbox.run()

    sent = item(services, first)
    assert (counts.sent, counts.retry_later, counts.failed) == (1, 0, 0)
    assert (sent.state, sent.server_id, sent.review_state) == ("sent", "1", "待审核")
    assert centre.submit_calls == [(sent.idempotency_key, [])]
    assert outbox.counts() == {"待上传": 0, "上传中": 0, "已提交": 1, "失败": 0}
    assert outbox.due() == [] and outbox.run().sent == 0
    assert len(centre.submit_calls) == 1


def test_backoff_doubles_from_two_seconds_up_to_five_minutes_with_jitter(
    services: AppServices, outbox: OutboxSync, unit_id: int, centre: FakeCentre, clock: FakeClock
) -> None:
    item_id = queue(services, unit_id)
    waits: list[float] = []
    for _ in range(10):
        centre.script = [ServerError("服务器暂时出错（HTTP 503），请稍后重试")]
        assert outbox.run().retry_later == 1
        queued = item(services, item_id)
        assert queued.state == "queued" and queued.next_attempt_at is not None
        wait = (queued.next_attempt_at - clock.now).total_seconds()
        waits.append(wait)
        clock.advance(wait - 0.001)
        assert outbox.due() == []  # not a moment early
        clock.advance(0.001)
        assert outbox.due() == [item_id]

    nominal = [2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
    for wait, expected in zip(waits, nominal, strict=True):
        assert 0.8 * expected <= wait <= min(1.2 * expected, BACKOFF_CAP)
    assert item(services, item_id).attempts == 10
    assert item(services, item_id).last_error == "服务器暂时出错（HTTP 503），请稍后重试"
    # The jitter comes from the injected generator: the same seed, the same schedule.
    assert backoff_seconds(3, random.Random(1)) == backoff_seconds(3, random.Random(1))


def test_a_5xx_is_retried_later_and_the_run_goes_on(
    services: AppServices, outbox: OutboxSync, unit_id: int, centre: FakeCentre
) -> None:
    first, second = queue(services, unit_id), queue(services, unit_id)
    centre.script = [ServerError("服务器暂时出错（HTTP 500），请稍后重试"), None]

    counts = outbox.run()

    assert (counts.sent, counts.retry_later, counts.stopped) == (1, 1, None)
    assert (item(services, first).state, item(services, first).attempts) == ("queued", 1)
    assert item(services, second).state == "sent"


def test_a_lost_answer_is_resent_with_the_same_key_and_recorded_once(
    services: AppServices, outbox: OutboxSync, unit_id: int, centre: FakeCentre, clock: FakeClock
) -> None:
    item_id = queue(services, unit_id)
    centre.script = [_lost_answer]
    assert outbox.run().retry_later == 1
    clock.advance(BACKOFF_CAP)

    counts = outbox.run()

    assert (counts.sent, counts.replayed) == (1, 1)
    assert len(centre.records) == 1
    assert [key for key, _ in centre.submit_calls] == [item(services, item_id).idempotency_key] * 2


def test_a_4xx_fails_with_the_centres_reason_and_is_not_retried(
    services: AppServices, outbox: OutboxSync, unit_id: int, centre: FakeCentre, clock: FakeClock
) -> None:
    item_id = queue(services, unit_id)
    centre.script = [ServerRejectedError("未知的业务类型", code="unknown_business")]

    counts = outbox.run()

    failed = item(services, item_id)
    assert counts.failed == 1 and counts.failures == [(item_id, failed.last_error)]
    assert failed.state == "failed"
    assert failed.last_error is not None and "未知的业务类型" in failed.last_error
    assert "重新录入并提交" in failed.last_error  # says what the clerk can do
    clock.advance(24 * 3600)
    assert outbox.due() == [] and outbox.counts()["失败"] == 1
    requeue_failed(services.store, unit_id, item_id)  # after the clerk fixed it
    assert outbox.due() == [item_id]


def test_offline_stops_the_run_and_leaves_the_rest_untouched(
    services: AppServices, outbox: OutboxSync, unit_id: int, centre: FakeCentre
) -> None:
    first, second = queue(services, unit_id), queue(services, unit_id)
    centre.script = [OfflineError("无法连接公积金中心服务器，请检查网络后重试", code="offline")]

    counts = outbox.run()

    assert counts.stopped == "无法连接公积金中心服务器，请检查网络后重试"
    assert (item(services, first).state, item(services, first).attempts) == ("queued", 1)
    assert (item(services, second).state, item(services, second).attempts) == ("queued", 0)
    assert len(centre.submit_calls) == 1 and centre.closed == 1


def test_timeouts_go_on_until_three_in_a_row(
    services: AppServices, outbox: OutboxSync, unit_id: int, centre: FakeCentre
) -> None:
    ids = [queue(services, unit_id) for _ in range(6)]
    timeout = OfflineError("连接公积金中心服务器超时，请稍后重试", code="timeout")
    centre.script = [timeout, None, timeout, timeout, timeout]

    counts = outbox.run()

    assert (counts.sent, counts.retry_later) == (1, 4)
    assert counts.stopped == "连接公积金中心服务器超时，请稍后重试"
    assert [item(services, i).state for i in ids] == ["queued", "sent"] + ["queued"] * 4
    assert item(services, ids[5]).attempts == 0


def test_auth_error_stops_the_run_and_keeps_the_item_queued(
    services: AppServices, outbox: OutboxSync, unit_id: int, centre: FakeCentre
) -> None:
    first, second = queue(services, unit_id), queue(services, unit_id)
    centre.script = [AuthError("登录已失效，请重新登录", code="token_expired")]

    with pytest.raises(AuthError):
        outbox.run()

    waiting = item(services, first)
    assert (waiting.state, waiting.attempts, waiting.next_attempt_at) == ("queued", 0, None)
    assert item(services, second).state == "queued"
    assert outbox.due() == [first, second] and centre.closed == 1


def test_a_crash_while_sending_is_resumed_with_the_same_key(
    services: AppServices, unit_id: int, centre: FakeCentre, clock: FakeClock
) -> None:
    item_id = queue(services, unit_id)
    centre.script = [_killed]
    with pytest.raises(KeyboardInterrupt):
        OutboxSync(services.store, unit_id, lambda: centre, clock=clock).run()
    assert item(services, item_id).state == "sending"  # as the dead process left it

    restarted = OutboxSync(services.store, unit_id, lambda: centre, clock=clock)
    assert restarted.counts()["上传中"] == 1
    assert restarted.due() == [item_id]
    counts = restarted.run()

    assert (counts.sent, counts.replayed) == (1, 1)
    assert len(centre.records) == 1
    key = item(services, item_id).idempotency_key
    assert [k for k, _ in centre.submit_calls] == [key, key]


def test_a_missing_attachment_file_fails_the_item_naming_the_file(
    services: AppServices, outbox: OutboxSync, unit_id: int, centre: FakeCentre, tmp_path: Path
) -> None:
    page = tmp_path / "身份证.png"
    item_id = queue(services, unit_id, attachments=[add_attachment(services, unit_id, page)])
    page.unlink()

    counts = outbox.run()

    failed = item(services, item_id)
    assert counts.failed == 1 and failed.state == "failed"
    assert failed.last_error is not None
    assert str(page) in failed.last_error and "身份证复印件" in failed.last_error
    assert centre.submit_calls == [] and centre.uploads == []


def test_an_attachment_is_uploaded_once_across_retries(
    services: AppServices, outbox: OutboxSync, unit_id: int, centre: FakeCentre, clock: FakeClock,
    tmp_path: Path,
) -> None:  # fmt: skip
    attachment = add_attachment(services, unit_id, tmp_path / "page.png")
    item_id = queue(services, unit_id, attachments=[attachment])
    centre.upload_script = [ServerError("服务器暂时出错（HTTP 502），请稍后重试")]
    centre.script = [ServerError("服务器暂时出错（HTTP 500），请稍后重试")]

    assert outbox.run().retry_later == 1  # the upload failed
    clock.advance(BACKOFF_CAP)
    assert outbox.run().retry_later == 1  # uploaded, then the submit failed
    clock.advance(BACKOFF_CAP)
    assert outbox.run().sent == 1

    assert centre.uploads == ["ab" * 32] * 2
    assert [atts for _, atts in centre.submit_calls] == [["ab" * 32]] * 2
    with services.store.session() as session:
        assert session.get_one(Attachment, attachment).server_id == "ab" * 32
    assert item(services, item_id).state == "sent"


def test_an_attachment_refused_by_the_centre_fails_the_item(
    services: AppServices, outbox: OutboxSync, unit_id: int, centre: FakeCentre, tmp_path: Path
) -> None:
    attachment = add_attachment(services, unit_id, tmp_path / "page.png")
    item_id = queue(services, unit_id, attachments=[attachment])
    centre.upload_script = [ServerRejectedError("文件超过 10 MB", code="file_too_large")]

    assert outbox.run().failed == 1
    error = item(services, item_id).last_error or ""
    assert "身份证复印件" in error and "文件超过 10 MB" in error


def test_cancelling_stops_between_items(
    services: AppServices, outbox: OutboxSync, unit_id: int, centre: FakeCentre
) -> None:
    ids = [queue(services, unit_id) for _ in range(3)]
    seen: list[tuple[int, int]] = []

    counts = outbox.run(progress=lambda d, t: seen.append((d, t)), cancelled=lambda: bool(seen))

    assert counts.cancelled and counts.sent == 1 and seen == [(1, 3)]
    assert counts.stopped == "操作已取消。"
    assert [item(services, i).state for i in ids] == ["sent", "queued", "queued"]


def test_review_states_are_pulled_back_and_the_cursor_moves(
    services: AppServices, outbox: OutboxSync, unit_id: int, centre: FakeCentre
) -> None:
    ids = [queue(services, unit_id) for _ in range(3)]
    outbox.run()
    centre.pages = [
        _record(1, "审核通过", version=10, result={"accounts": [{"account_no": "10000100041"}]}),
        _record(2, "退回", version=11, reason="身份证复印件不清晰"),
        _record(99, "审核通过", version=12),  # sent from another PC: not ours
    ]

    assert outbox.pull_reviews(page_size=2) == 2

    approved, rejected, waiting = (item(services, i) for i in ids)
    assert approved.review_state == "审核通过"
    assert approved.review_result == {"accounts": [{"account_no": "10000100041"}]}
    assert (rejected.review_state, rejected.review_reason) == ("退回", "身份证复印件不清晰")
    assert waiting.review_state == "待审核"
    with services.store.session() as session:
        assert session.get_one(Unit, unit_id).submissions_version == 12
    assert outbox.pull_reviews() == 0
    assert outbox.review_counts() == {"审核通过": 1, "退回": 1, "待审核": 1}


def test_a_pull_cut_off_keeps_what_arrived_and_resumes_from_there(
    services: AppServices, outbox: OutboxSync, unit_id: int, centre: FakeCentre
) -> None:
    ids = [queue(services, unit_id) for _ in range(3)]
    outbox.run()
    centre.pages = [_record(n, "审核通过", version=20 + n) for n in (1, 2, 3)]
    centre.pull_failure_after = 1

    with pytest.raises(OfflineError):
        outbox.pull_reviews(page_size=2)
    assert [item(services, i).review_state for i in ids] == ["审核通过", "审核通过", "待审核"]
    with services.store.session() as session:
        assert session.get_one(Unit, unit_id).submissions_version == 22

    centre.pull_failure_after = None
    assert outbox.pull_reviews(page_size=2) == 1
    assert item(services, ids[2]).review_state == "审核通过"


def test_a_reopened_rejection_is_not_turned_back_by_a_later_pull(
    services: AppServices, outbox: OutboxSync, unit_id: int, centre: FakeCentre
) -> None:
    item_id = queue(services, unit_id)
    outbox.run()
    with services.store.session() as session:
        session.get_one(OutboxItem, item_id).review_state = RESUBMITTED
    centre.pages = [_record(1, "退回", version=5, reason="缺少材料")]

    assert outbox.pull_reviews() == 0
    assert item(services, item_id).review_state == RESUBMITTED


def test_sync_sends_pulls_and_remembers_when(
    services: AppServices, outbox: OutboxSync, unit_id: int, centre: FakeCentre, clock: FakeClock
) -> None:
    queue(services, unit_id)
    assert outbox.last_synced_at() is None

    report = outbox.sync()

    assert (report.run.sent, report.pulled) == (1, True)
    assert outbox.last_synced_at() == clock.now

    queue(services, unit_id)
    centre.script = [OfflineError("无法连接公积金中心服务器，请检查网络后重试", code="offline")]
    clock.advance(60)
    stopped = outbox.sync()
    assert stopped.pulled is False and stopped.run.stopped is not None
    assert outbox.last_synced_at() == clock.now - timedelta(seconds=60)


def test_a_failed_pull_is_reported_not_raised_and_the_sync_time_stays(
    services: AppServices, outbox: OutboxSync, unit_id: int, centre: FakeCentre
) -> None:
    queue(services, unit_id)
    centre.pull_failure_after = 0

    report = outbox.sync()

    assert (report.run.sent, report.pulled) == (1, False)
    assert report.pull_error == "无法连接公积金中心服务器"
    assert outbox.last_synced_at() is None


def test_a_send_that_another_sync_completed_is_not_turned_back(
    services: AppServices, outbox: OutboxSync, unit_id: int, centre: FakeCentre
) -> None:
    """The window and `gjj-desk sync` may send the same item at once; when the other one got it
    through and this one timed out, the item stays 已提交 (the server holds it once)."""
    item_id = queue(services, unit_id)

    def the_other_sync_won_then_we_timed_out() -> None:
        with services.store.session() as session:
            other = session.get_one(OutboxItem, item_id)
            other.state, other.server_id = "sent", "1"
        raise OfflineError("连接公积金中心服务器超时，请稍后重试", code="timeout")

    centre.script = [the_other_sync_won_then_we_timed_out]
    outbox.run()
    assert item(services, item_id).state == "sent"
    assert len(centre.records) == 1


def test_a_sent_item_with_its_document_takes_two_local_commits(
    services: AppServices, outbox: OutboxSync, unit_id: int, centre: FakeCentre, tmp_path: Path
) -> None:
    # Issue 12: each commit is a write to the local database's log; the send made four.
    attachment_id = add_attachment(services, unit_id, tmp_path / "身份证.png")
    item_id = queue(services, unit_id, attachments=[attachment_id])
    commits: list[Any] = []
    count = commits.append
    event.listen(services.store.engine, "commit", count)
    try:
        assert outbox.send_one(item_id) == "sent"
    finally:
        event.remove(services.store.engine, "commit", count)

    assert len(commits) == 2  # "sending" with what the send needs; then the outcome
    with services.store.session() as session:
        document = session.get_one(Attachment, attachment_id)
        assert document.server_id == centre.uploads[0] and document.uploaded_at == START


def test_a_document_uploaded_before_a_failed_submit_is_not_uploaded_again(
    services: AppServices, outbox: OutboxSync, unit_id: int, centre: FakeCentre, tmp_path: Path
) -> None:
    item_id = queue(
        services, unit_id, attachments=[add_attachment(services, unit_id, tmp_path / "a.png")]
    )
    centre.script = [ServerError("服务器暂时出错", code="internal")]
    with pytest.raises(ServerError):
        outbox.send_one(item_id)
    assert item(services, item_id).state == "queued"

    assert outbox.send_one(item_id) == "sent"
    assert len(centre.uploads) == 1 and len(centre.submit_calls) == 2
