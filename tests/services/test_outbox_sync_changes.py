"""What one sync changes besides upload states: the roster after approvals, and a manual sync."""

from __future__ import annotations

import random

import pytest

from app.errors import ServerError
from app.models import OutboxItem
from app.services.context import AppServices
from app.services.outbox import OutboxSync
from app.services.roster import RosterService
from tests.services.test_outbox import FakeCentre, FakeClock, _record, item, queue


@pytest.fixture
def centre() -> FakeCentre:
    return FakeCentre()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def outbox(services: AppServices, unit_id: int, centre: FakeCentre, clock: FakeClock) -> OutboxSync:
    return OutboxSync(services.store, unit_id, lambda: centre, clock=clock, rng=random.Random(7))


NEW_PERSON = {
    "account_no": "10000100041",
    "name": "王建国",
    "id_type": "居民身份证",
    "id_number": "410203198805160013",
    "sex": "男",
    "birth_date": "1988-05-16",
    "status": "正常",
    "base": "5000.00",
    "unit_ratio": "0.12",
    "personal_ratio": "0.12",
    "monthly_amount": {"unit": "600.00", "personal": "600.00", "total": "1200.00"},
    "opened_on": "2026-11-27",
    "paid_to": "2026-11",
    "version": 7,
}


def test_an_approval_pulled_back_brings_the_new_people_into_the_roster(
    services: AppServices, outbox: OutboxSync, unit_id: int, centre: FakeCentre
) -> None:
    """Issue 8 point 12: after approval the new employees are found at once, not next login."""
    queue(services, unit_id)
    outbox.sync()
    assert centre.roster_calls == []  # nothing changed state: no roster traffic
    centre.pages = [_record(1, "审核通过", version=10)]
    centre.roster_pages = [{"items": [NEW_PERSON], "version": 7, "has_more": False}]

    report = outbox.sync()

    roster = RosterService(services.store, unit_id)
    assert report.reviews_updated == 1 and report.roster is not None
    assert report.changes.roster and report.changes.reviews
    assert [p.name for p in roster.search("王建国")] == ["王建国"]
    assert roster.count() == 1


def test_a_manual_sync_sends_what_waits_out_its_backoff(
    services: AppServices, outbox: OutboxSync, unit_id: int, centre: FakeCentre, clock: FakeClock
) -> None:
    """Issue 15 point 13: `gjj-desk sync` / 立即同步 send now instead of saying 已上传 0 笔."""
    item_id = queue(services, unit_id)
    centre.script = [ServerError("服务器暂时出错（HTTP 503），请稍后重试")]
    outbox.sync()
    assert item(services, item_id).next_attempt_at is not None
    assert outbox.sync().run.sent == 0  # the timer's sync respects the backoff

    report = outbox.sync(manual=True)

    assert report.run.sent == 1 and report.idle_reason is None
    assert item(services, item_id).state == "sent"


def test_a_manual_sync_with_nothing_to_send_says_why(
    services: AppServices, outbox: OutboxSync, unit_id: int, centre: FakeCentre
) -> None:
    assert outbox.sync(manual=True).idle_reason == "没有待上传的申报。"
    with services.store.session() as session:
        session.get_one(OutboxItem, queue(services, unit_id)).state = "failed"
    reason = outbox.sync(manual=True).idle_reason or ""
    assert "1 笔上传失败" in reason and "重新上传" in reason
