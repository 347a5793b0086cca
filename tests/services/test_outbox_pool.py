"""The outbox sends a few items at once (issue 12), exactly once, one person's items in order."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from app.errors import OfflineError
from app.models import OutboxItem
from app.services.api.models import SubmissionRecord
from app.services.context import AppServices
from app.services.outbox import OutboxSync
from app.services.outbox_pool import person_keys
from tests.services.test_outbox import FakeCentre


class CountingCentre(FakeCentre):
    """Records how many submits are in flight at once, overall and per ID number."""

    def __init__(self, gate: threading.Barrier | None = None) -> None:
        super().__init__()
        self.gate = gate
        self.lock = threading.Lock()
        self.in_flight: Counter[str] = Counter()
        self.most_at_once: Counter[str] = Counter()
        self.order: list[str] = []  # the ID number of each submit, in the order they came

    def submit(
        self,
        business: str,
        rows: Sequence[Mapping[str, Any]],
        attachments: Sequence[str],
        idempotency_key: str,
        client_ref: str | None = None,
    ) -> SubmissionRecord:
        person = str(rows[0]["id_number"])
        with self.lock:
            self.order.append(f"{person}:{rows[0]['name']}")
            for key in (person, "*"):
                self.in_flight[key] += 1
                self.most_at_once[key] = max(self.most_at_once[key], self.in_flight[key])
        try:
            if self.gate is not None:
                self.gate.wait()  # only passes when `gate.parties` submits are in flight
            with self.lock:
                return super().submit(business, rows, attachments, idempotency_key, client_ref)
        finally:
            with self.lock:
                self.in_flight[person] -= 1
                self.in_flight["*"] -= 1


@pytest.fixture
def unit_id(services: AppServices) -> int:
    return services.units.add("100001", "开封市示范机械厂").id


def queue(services: AppServices, unit_id: int, id_number: str, name: str) -> int:
    with services.store.session() as session:
        item = OutboxItem(
            unit_id=unit_id,
            business="open-account",
            idempotency_key=uuid.uuid4().hex,
            rows=[{"name": name, "id_number": id_number, "base": "5000.00"}],
            attachment_ids=[],
            state="queued",
        )
        session.add(item)
        session.flush()
        return item.id


def states(services: AppServices) -> Counter[str]:
    with services.store.session() as session:
        return Counter(item.state for item in session.query(OutboxItem))


def test_independent_items_go_four_at_once_each_exactly_once(
    services: AppServices, unit_id: int
) -> None:
    # The barrier lets a submit through only when four are in flight: a one-by-one sender
    # would break it (its timeout only keeps a broken sender from hanging the test).
    centre = CountingCentre(threading.Barrier(4, timeout=60))
    for n in range(8):
        queue(services, unit_id, f"4102031990010{n:04d}1", f"员工{n}")
    outbox = OutboxSync(services.store, unit_id, lambda: centre, senders=4)

    counts = outbox.run()

    assert (counts.sent, counts.failed, counts.retry_later, counts.stopped) == (8, 0, 0, None)
    assert len(centre.records) == 8 and len(centre.submit_calls) == 8
    assert centre.most_at_once["*"] == 4
    assert states(services) == Counter({"sent": 8})
    assert centre.closed == 4  # each worker's own client (keep-alive), all closed


def test_one_persons_items_go_one_at_a_time_in_the_order_queued(
    services: AppServices, unit_id: int
) -> None:
    centre = CountingCentre()
    queued = []
    for n in range(12):
        person = "410203199001011230" if n % 3 == 0 else f"4102031990010{n:04d}1"
        queue(services, unit_id, person, f"第{n}笔")
        queued.append(f"{person}:第{n}笔")
    outbox = OutboxSync(services.store, unit_id, lambda: centre, senders=4)

    assert outbox.run().sent == 12

    same = [entry for entry in centre.order if entry.startswith("410203199001011230")]
    assert same == [entry for entry in queued if entry.startswith("410203199001011230")]
    assert centre.most_at_once["410203199001011230"] == 1
    assert len(centre.records) == 12


def test_going_offline_stops_the_pool_and_leaves_the_rest_queued(
    services: AppServices, unit_id: int
) -> None:
    centre = CountingCentre()
    centre.script = [OfflineError("无法连接公积金中心服务器，请检查网络后重试", code="offline")]
    for n in range(6):
        queue(services, unit_id, "410203199001011230", f"第{n}笔")  # one person: in order
    outbox = OutboxSync(services.store, unit_id, lambda: centre, senders=4)

    counts = outbox.run()

    assert counts.stopped == "无法连接公积金中心服务器，请检查网络后重试"
    assert (counts.sent, counts.retry_later) == (0, 1)
    assert states(services) == Counter({"queued": 6}) and centre.records == {}


def test_the_people_an_item_touches() -> None:
    rows = [{"id_number": "X1", "name": "甲"}, {"account_no": "A9", "id_number": ""}]
    assert person_keys(rows) == {"id_number=X1", "account_no=A9"}
    assert person_keys([{"name": "乙"}]) == frozenset()


def test_the_people_of_every_due_item_are_read_in_one_go(
    services: AppServices, unit_id: int
) -> None:
    """A run of 1,200 items reads who each touches in a few queries, not one session each."""
    from sqlalchemy import event

    ids = [queue(services, unit_id, f"41020319900{n:06d}1", f"员工{n}") for n in range(1200)]
    reads: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "FROM outbox_items" in statement:
            reads.append(statement)

    event.listen(services.store.engine, "before_cursor_execute", seen)
    keys = OutboxSync(services.store, unit_id, FakeCentre)._person_keys(ids)
    assert len(reads) <= 3
    assert keys[ids[0]] == person_keys([{"id_number": "410203199000000001"}])
    assert keys[ids[-1]] == person_keys([{"id_number": "410203199000011991"}])
    assert len(keys) == 1200
