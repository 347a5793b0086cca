"""The outbox in batches (POST /submissions/batch) against a fake centre: each item exactly
once, in the order queued, each answered on its own; trouble sends the batch back."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from app.errors import AuthError, OfflineError, ServerRejectedError
from app.services.api.models import SubmissionRecord
from app.services.api.records import BatchSubmission
from app.services.context import AppServices
from app.services.outbox import OutboxSync
from tests.services.test_outbox import FakeCentre, FakeClock, add_attachment, item, queue


class BatchCentre(FakeCentre):
    """The fake centre with the batch call: each item as `submit` would answer it."""

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[list[str]] = []
        self.batch_script: list[Exception | None] = []  # per batch: raised after recording

    def submit_batch(
        self, items: Sequence[BatchSubmission]
    ) -> list[SubmissionRecord | Exception] | None:
        self.batches.append([i.idempotency_key for i in items])
        answers: list[SubmissionRecord | Exception] = []
        for i in items:
            try:
                answers.append(self.submit(i.business, i.rows, i.attachments, i.idempotency_key))
            except ServerRejectedError as refused:
                answers.append(refused)
        trouble = self.batch_script.pop(0) if self.batch_script else None
        if trouble is not None:
            raise trouble  # recorded, but the answer is lost on the way back
        return answers


@pytest.fixture
def centre() -> BatchCentre:
    return BatchCentre()


def outbox(services: AppServices, unit_id: int, centre: FakeCentre, batch: int = 3) -> OutboxSync:
    return OutboxSync(
        services.store,
        unit_id,
        lambda: centre,
        clock=FakeClock(),
        rng=random.Random(7),
        batch=batch,
    )


def keys(services: AppServices, ids: list[int]) -> list[str]:
    return [item(services, i).idempotency_key for i in ids]


def test_items_go_a_batch_a_request_in_queue_order_each_exactly_once(
    services: AppServices, unit_id: int, centre: BatchCentre, tmp_path: Path
) -> None:
    ids = [
        queue(services, unit_id, attachments=[add_attachment(services, unit_id, tmp_path / "a")]),
        *(queue(services, unit_id) for _ in range(5)),
        queue(services, unit_id, attachments=[add_attachment(services, unit_id, tmp_path / "b")]),
    ]
    commits: list[Any] = []
    count = commits.append
    event.listen(services.store.engine, "commit", count)
    try:
        counts = outbox(services, unit_id, centre).run()
    finally:
        event.remove(services.store.engine, "commit", count)

    expected = keys(services, ids)
    assert (counts.sent, counts.failed, counts.retry_later) == (7, 0, 0)
    assert centre.batches == [expected[0:3], expected[3:6]]  # the last, alone, as one submit
    assert [k for k, _ in centre.submit_calls] == expected
    assert [item(services, i).state for i in ids] == ["sent"] * 7
    assert len(centre.uploads) == 2
    assert len(commits) == 1 + 2 * 3  # what is due; then "sending" and the outcomes, a batch


def test_a_refused_item_of_a_batch_fails_alone(
    services: AppServices, unit_id: int, centre: BatchCentre
) -> None:
    ids = [queue(services, unit_id) for _ in range(3)]
    centre.script = [None, ServerRejectedError("证件号码已在中心开户", code="rows_refused")]

    counts = outbox(services, unit_id, centre).run()

    assert (counts.sent, counts.failed) == (2, 1)
    refused = item(services, ids[1])
    assert refused.state == "failed" and "证件号码已在中心开户" in (refused.last_error or "")
    assert counts.failures == [(ids[1], refused.last_error)]
    assert [item(services, i).state for i in (ids[0], ids[2])] == ["sent", "sent"]


def test_a_batch_whose_answer_was_lost_is_sent_again_and_replayed(
    services: AppServices, unit_id: int, centre: BatchCentre
) -> None:
    ids = [queue(services, unit_id) for _ in range(3)]
    centre.batch_script = [OfflineError("连接公积金中心服务器超时", code="timeout")]
    sync = outbox(services, unit_id, centre)

    first = sync.run()
    assert (first.sent, first.retry_later) == (0, 3)
    assert [item(services, i).state for i in ids] == ["queued"] * 3
    assert first.stopped is None  # a timeout alone does not stop a run

    again = sync.run(now_anyway=True)
    assert (again.sent, again.replayed) == (3, 3)
    assert len(centre.records) == 3 and centre.batches == [keys(services, ids)] * 2


def test_going_offline_stops_the_run_and_the_rest_stays_queued(
    services: AppServices, unit_id: int, centre: BatchCentre
) -> None:
    ids = [queue(services, unit_id) for _ in range(6)]
    centre.batch_script = [OfflineError("无法连接公积金中心服务器", code="offline")]

    counts = outbox(services, unit_id, centre).run()

    assert counts.stopped == "无法连接公积金中心服务器" and len(centre.batches) == 1
    assert [item(services, i).state for i in ids] == ["queued"] * 6
    assert item(services, ids[0]).next_attempt_at is not None  # tried: waits its backoff
    assert item(services, ids[3]).next_attempt_at is None  # never tried


def test_a_refused_login_stops_the_run_and_keeps_the_batch_queued_without_backoff(
    services: AppServices, unit_id: int, centre: BatchCentre
) -> None:
    ids = [queue(services, unit_id) for _ in range(3)]
    centre.batch_script = [AuthError("登录已失效，请重新登录", code="token_expired")]

    with pytest.raises(AuthError):
        outbox(services, unit_id, centre).run()

    waiting = [item(services, i) for i in ids]
    assert [(w.state, w.attempts, w.next_attempt_at) for w in waiting] == [("queued", 0, None)] * 3


def test_a_centre_without_the_batch_call_gets_them_one_at_a_time(
    services: AppServices, unit_id: int
) -> None:
    plain = FakeCentre()
    ids = [queue(services, unit_id) for _ in range(4)]

    counts = outbox(services, unit_id, plain).run()

    assert counts.sent == 4 and [k for k, _ in plain.submit_calls] == keys(services, ids)
