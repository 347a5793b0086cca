"""Sending the due items of an outbox concurrently: a small bounded pool, exactly once, in order.

Each request spends most of its time waiting for the centre; a few in flight at once fill that
wait (issue 12: 300 one-person 开户 at 9 per second one at a time). What does not change:

- exactly once: every item still goes with its own Idempotency-Key (`OutboxSync._send`);
- order where it matters: an item touching a person (ID number, account) an earlier due item
  touches starts only after that one has finished; an item naming no person waits for every
  earlier one, and every later one waits for it;
- the outcome of a run: results are counted in the order of the items, so "three failures in a
  row stop the run" means what it meant; once a run stops (or is cancelled) no further item
  starts — those not started stay 待上传, exactly as before.

Each worker thread has its own centre client (its own keep-alive connection); a token refresh
is serialised by the client itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from app.errors import Cancelled, OfflineError, ServerError
from app.services.outbox_report import CentreApi, ClientFactory, Progress, RunCounts

DEFAULT_SENDERS = 4  # in flight at once; the centre sees at most this many per clerk
PERSON_FIELDS = ("id_number", "account_no")


def person_keys(rows: Iterable[dict[str, Any]]) -> frozenset[str]:
    """The people an item's rows touch (what orders it after earlier items), by field value."""
    return frozenset(
        f"{name}={row[name]}" for row in rows for name in PERSON_FIELDS if row.get(name)
    )


@dataclass
class _Outcome:
    item_id: int
    state: str = ""
    replayed: bool = False
    error: Exception | None = None
    skipped: bool = False  # the run stopped before this item started: it stays queued


@dataclass
class _Clients:
    """One centre client per worker thread, all closed at the end of the run."""

    factory: ClientFactory
    spare: list[CentreApi] = field(default_factory=list)  # made already: the first worker's
    local: threading.local = field(default_factory=threading.local)
    made: list[CentreApi] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self) -> CentreApi:
        api: CentreApi | None = getattr(self.local, "api", None)
        if api is None:
            with self.lock:
                api = self.spare.pop() if self.spare else None
            api = api or self.factory()
            self.local.api = api
            with self.lock:
                self.made.append(api)
        return api

    def close(self) -> None:
        for api in self.made + self.spare:
            api.close()


class PoolRun:
    """One run over `due` (oldest first); `send(item_id, api)` → (state, replayed)."""

    def __init__(
        self,
        send: Callable[[int, CentreApi], tuple[str, bool]],
        keys_of: Callable[[int], frozenset[str]],
        clients: ClientFactory,
        *,
        first_client: CentreApi | None = None,
        senders: int,
        max_failures_in_a_row: int,
        error_of: Callable[[int], str],
        sent_state: str,
    ) -> None:
        self.send = send
        self.keys_of = keys_of
        self.clients = _Clients(clients, [first_client] if first_client is not None else [])
        self.senders = max(1, senders)
        self.max_failures_in_a_row = max_failures_in_a_row
        self.error_of = error_of
        self.sent_state = sent_state
        self.stop = threading.Event()
        self.judging = threading.Lock()
        self.in_a_row = 0
        self.stopped: str | None = None  # why the run stopped early (the centre's trouble)
        self.cancelled: Callable[[], bool] | None = None
        self.was_cancelled = False
        self.counted: list[threading.Event] = []

    def run(
        self,
        due: Sequence[int],
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> RunCounts:
        counts = RunCounts()
        self.cancelled = cancelled
        # An item waits for its predecessors to be counted (and their progress told), not
        # just sent: a cancel or a stop decided on an item is seen by the items after it.
        self.counted = [threading.Event() for _ in due]
        futures: list[Future[_Outcome]] = []
        try:
            with ThreadPoolExecutor(self.senders, thread_name_prefix="outbox-send") as pool:
                try:
                    last_by_key: dict[str, int] = {}
                    barrier = -1  # the last item naming no person: everything waits for it
                    for position, item_id in enumerate(due):
                        keys = self.keys_of(item_id)
                        if keys:
                            after = [last_by_key[k] for k in keys if k in last_by_key]
                            after += [barrier] if barrier >= 0 else []
                        else:
                            after, barrier = list(range(position)), position
                        futures.append(pool.submit(self._one, item_id, after))
                        last_by_key.update(dict.fromkeys(keys, position))
                    self._count(futures, counts, progress)
                except BaseException:
                    self._release()
                    raise
        finally:
            self._release()
            self.clients.close()
        return counts

    def _release(self) -> None:
        """No item waits any more, and none not yet started will start."""
        self.stop.set()
        for event in self.counted:
            event.set()

    def _one(self, item_id: int, after: list[int]) -> _Outcome:
        for earlier in after:  # always earlier items: started before this one (FIFO pool)
            self.counted[earlier].wait()
        if self.cancelled is not None and self.cancelled():
            self.was_cancelled = True
            self.stop.set()
        if self.stop.is_set():
            return _Outcome(item_id, skipped=True)
        try:
            state, replayed = self.send(item_id, self.clients.get())
        except (OfflineError, ServerError) as exc:
            self._judge(exc)
            return _Outcome(item_id, error=exc)
        except Exception as exc:  # AuthError or a bug: stop the others, re-raised by _count
            self.stop.set()
            return _Outcome(item_id, error=exc)
        self._judge(None)
        return _Outcome(item_id, state, replayed)

    def _judge(self, error: OfflineError | ServerError | None) -> None:
        """Decide, as each send ends, whether the run stops: the centre is unreachable, or
        failed `max_failures_in_a_row` times in a row. Items not started then stay queued."""
        with self.judging:
            if error is None:
                self.in_a_row = 0
                return
            self.in_a_row += 1
            went_offline = isinstance(error, OfflineError) and error.code != "timeout"
            if went_offline or self.in_a_row >= self.max_failures_in_a_row:
                self.stopped = self.stopped or error.message
                self.stop.set()

    def _count(
        self, futures: list[Future[_Outcome]], counts: RunCounts, progress: Progress | None
    ) -> None:
        """Counts the outcomes in item order, telling the progress of each."""
        raised: BaseException | None = None
        for done, future in enumerate(futures):
            outcome = future.result()
            error = outcome.error
            if outcome.skipped:
                pass
            elif isinstance(error, OfflineError | ServerError):
                counts.retry_later += 1
            elif error is not None:
                raised = raised or error
            elif outcome.state == self.sent_state:
                counts.sent += 1
                counts.replayed += outcome.replayed
            else:
                counts.failed += 1
                counts.failures.append((outcome.item_id, self.error_of(outcome.item_id)))
            if progress is not None and not outcome.skipped:
                progress(done + 1, len(futures))
            self.counted[done].set()
        counts.cancelled = self.was_cancelled
        counts.stopped = self.stopped or (Cancelled().message if self.was_cancelled else None)
        if raised is not None:
            raise raised
