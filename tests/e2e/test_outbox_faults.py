"""Fault injection: hundreds of submissions through a faulty proxy while the server dies.

The proxy answers 500 (before or after forwarding) or stalls past the client's read timeout at
random (seeded); the server process is killed mid-request and restarted on the same port a few
times. In the end the server holds each submission exactly once and every item is 已提交.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fault_proxy import Fault, FaultProxy
from PIL import Image
from sqlalchemy import create_engine, select, text

from app.models import OutboxItem
from app.services.api import CentreClient, MemoryTokenStore
from app.services.context import AppServices
from app.services.outbox import BACKOFF_CAP, OutboxSync, RunCounts
from fundserver.demo import DemoCredentials
from fundserver.process import FundServerProcess
from tests.ids import gb11643
from tests.outbox_documents import document_row

# Restarts of fundserver take ~110 s in all under a load of 10 on two cores: over the default
# 120 s limit, which (timeout_method = thread) ends the whole run, not just this test.
pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(360)]

SUBMISSIONS = 300
WITH_DOCUMENT_EVERY = 10  # every 10th submission carries its own scanned page
# In batches every 2nd: a batch's pages then go several a request (POST /attachments/batch).
WITH_DOCUMENT_EVERY_IN_BATCHES = 2
SEED = 20261127
RATES = {Fault.FAIL_BEFORE: 0.07, Fault.FAIL_AFTER: 0.07, Fault.STALL: 0.025}
CLIENT_TIMEOUT = (0.5, 1.0)
STALL_SECONDS = 1.5
KILL_AT_FORWARDED = (60, 160, 260)  # the server dies with these requests in flight
# In batches of 5 (POST /submissions/batch) the same 300 take about 90 requests, not 330.
BATCH, KILL_AT_FORWARDED_IN_BATCHES = 5, (15, 40, 65)
MAX_ROUNDS = 300


class StepClock:
    """The injected clock: each round moves it past the longest backoff, so no one waits."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 27, 9, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def next_round(self) -> None:
        self.now += timedelta(seconds=BACKOFF_CAP * 1.25)


class Centre:
    """The fundserver process, killed by the proxy's hook and restarted by the test."""

    def __init__(self, server: FundServerProcess) -> None:
        self.server = server
        self.folder, self.port = server.folder, server.port
        self.down = threading.Event()
        self.restarts = 0
        self.kill_points = KILL_AT_FORWARDED

    def kill_at(self, forwarded: int) -> None:
        if forwarded in self.kill_points and not self.down.is_set():
            self.server.stop()
            self.down.set()

    def restart_if_down(self) -> None:
        if self.down.is_set():
            self.server = FundServerProcess(self.folder, seed="none", port=self.port)
            assert self.server.port == self.port
            self.restarts += 1
            self.down.clear()


@pytest.fixture
def centre(fresh_fundserver: FundServerProcess) -> Iterator[Centre]:
    held = Centre(fresh_fundserver)
    yield held
    if held.server is not fresh_fundserver:
        held.server.stop()


def resident_id(n: int) -> str:
    first17 = f"410203{19700101 + (n % 28) + 100 * (n % 12):08d}{n % 1000:03d}"
    return first17 + gb11643(first17)


def queue_submissions(
    services: AppServices, unit_id: int, folder: Path, every: int = WITH_DOCUMENT_EVERY
) -> list[int]:
    """Fill the outbox as 全部提交 does: every item committed, state 待上传."""
    folder.mkdir()
    with services.store.session() as session:
        items = []
        for n in range(SUBMISSIONS):
            attachment_ids: list[int] = []
            if n % every == 0:
                page = folder / f"page-{n}.png"
                Image.new("RGB", (64, 40), (n % 256, 80 + n // 256, 160)).save(page)  # one each
                row = document_row(session, unit_id, page)
                attachment_ids.append(row.id)
            item = OutboxItem(
                unit_id=unit_id,
                business="open-account",
                idempotency_key=uuid.uuid4().hex,
                rows=[{"name": f"测试{n:03d}", "id_number": resident_id(n), "base": "5000.00"}],
                attachment_ids=attachment_ids,
                state="queued",
            )
            session.add(item)
            items.append(item)
        session.flush()
        return [i.id for i in items]


def server_rows(centre: Centre, sql: str) -> list[tuple[Any, ...]]:
    """Read the centre's own database, SQLite or PostgreSQL."""
    engine = create_engine(centre.server.database_url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()


@pytest.mark.parametrize("batch", [1, BATCH], ids=["one-by-one", "in-batches"])
def test_every_submission_lands_exactly_once_through_faults_and_restarts(
    services: AppServices,
    centre: Centre,
    demo_credentials: DemoCredentials,
    tmp_path: Path,
    batch: int,
) -> None:
    started = time.monotonic()
    every = WITH_DOCUMENT_EVERY
    if batch > 1:
        centre.kill_points = KILL_AT_FORWARDED_IN_BATCHES
        every = WITH_DOCUMENT_EVERY_IN_BATCHES
    tokens = MemoryTokenStore()
    with CentreClient(centre.server.url, token_store=tokens) as direct:
        direct.login(demo_credentials.unit_code, demo_credentials.password)
    unit = services.units.add(demo_credentials.unit_code, "开封示范科技有限公司", centre.server.url)
    ids = queue_submissions(services, unit.id, tmp_path / "scans", every)
    clock = StepClock()
    totals = RunCounts()
    rounds = 0

    with FaultProxy(
        centre.port,
        seed=SEED,
        rates=RATES,
        stall_seconds=STALL_SECONDS,
        on_forwarded=centre.kill_at,
    ) as proxy:
        outbox = OutboxSync(
            services.store,
            unit.id,
            lambda: CentreClient(proxy.url, token_store=tokens, timeout=CLIENT_TIMEOUT),
            clock=clock,
            rng=random.Random(SEED),
            batch=batch,
        )
        while outbox.counts()["已提交"] < SUBMISSIONS and rounds < MAX_ROUNDS:
            rounds += 1
            clock.next_round()
            counts = outbox.run()
            totals.sent += counts.sent
            totals.replayed += counts.replayed
            totals.retry_later += counts.retry_later
            totals.failed += counts.failed
            centre.restart_if_down()
        pulled = False
        for _ in range(20):  # review states through the same faulty proxy
            rounds += 1
            if outbox.sync().pulled:
                pulled = True
                break

    keys = {}
    with services.store.session() as session:
        for item in session.scalars(select(OutboxItem).where(OutboxItem.id.in_(ids))):
            keys[item.idempotency_key] = (item.state, item.server_id, item.review_state)
    on_server = server_rows(
        centre, "SELECT idempotency_key, COUNT(*), MIN(id) FROM submissions GROUP BY 1"
    )
    recorded = {key: (count, server_id) for key, count, server_id in on_server if key in keys}
    duplicates = sum(count - 1 for count, _ in recorded.values())
    blobs = server_rows(centre, "SELECT sha256, COUNT(*) FROM attachments GROUP BY 1")
    elapsed = time.monotonic() - started

    print(
        f"\nfault injection: {SUBMISSIONS} submissions in {rounds} rounds, {elapsed:.1f} s"
        f"\n  requests through the proxy: {sum(proxy.paths.values())} {dict(proxy.paths)}"
        f"\n  injected faults: { ({f.value: n for f, n in proxy.faults.items()}) }"
        f"\n  server restarts: {centre.restarts}, connections cut while it was down:"
        f" {proxy.dropped}"
        f"\n  sent {totals.sent} (of which answered as replays {totals.replayed}),"
        f" retried later {totals.retry_later}, failed {totals.failed}"
        f"\n  on the server: {len(recorded)} submissions, duplicates {duplicates},"
        f" attachments {len(blobs)} (each stored {max(n for _, n in blobs)}×)"
    )

    assert centre.restarts == len(centre.kill_points)
    assert all(proxy.faults[kind] > 0 for kind in RATES)
    assert totals.failed == 0 and pulled
    assert len(recorded) == SUBMISSIONS and duplicates == 0
    assert all(state == ("sent", str(server_id), "待审核") for (_, server_id), state in
               ((recorded[k], v) for k, v in keys.items()))  # fmt: skip
    assert outbox.counts() == {"待上传": 0, "上传中": 0, "已提交": SUBMISSIONS, "失败": 0}
    assert len(blobs) == SUBMISSIONS // every
    assert all(count == 1 for _, count in blobs)
