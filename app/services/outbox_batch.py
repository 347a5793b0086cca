"""Sending the due items of an outbox in batches: exactly once, in the order queued.

One submission cost the centre and this client about as much CPU for its request (HTTP,
authentication, a transaction each side) as for the submission itself (issue 12). Here a run
takes the due items `size` at a time, oldest first:

1. one local transaction marks them all 上传中 and reads what their sends need;
2. their documents not yet on the centre are uploaded several a request (POST
   /attachments/batch, app.services.outbox_uploads), the requests on `senders` threads
   (uploads are content-addressed and independent: their order does not matter);
3. one POST /submissions/batch sends the items, each with its own Idempotency-Key, in queue
   order (the centre handles them in that order, so one person's items keep theirs), and each
   is answered on its own — a centre without the batch call gets them one at a time;
4. one local transaction writes every outcome.

Batches go one after the other, so the order the clerk queued is the order the centre sees.
A batch the centre could not be reached for is back in the queue (same keys: a resend is a
replay); the run stops as `OutboxSync.run` does — offline at once, or after a few failures in a
row —, on a cancel between batches, and on AuthError (raised, the batch back in the queue).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.errors import AuthError, Cancelled, OfflineError, ServerError, ServerRejectedError
from app.services.api.models import SubmissionRecord
from app.services.api.records import BatchSubmission
from app.services.engine.states import UploadState
from app.services.outbox_marks import (
    Document,
    documents_of,
    load_attachments,
    load_items,
)
from app.services.outbox_pool import _Clients
from app.services.outbox_report import CentreApi, Progress, RunCounts
from app.services.outbox_uploads import BatchUploads

if TYPE_CHECKING:
    from app.services.outbox import OutboxSync

logger = logging.getLogger(__name__)

DEFAULT_BATCH = 25  # submissions a request (the centre takes 100); a cancel waits for one


@dataclass
class _Item:
    """One item of a batch on its way: what its send needs, and how it ended."""

    item_id: int
    business: str
    key: str
    rows: list[dict[str, Any]]
    documents: list[Document | str]
    uploaded: dict[int, str] = field(default_factory=dict)
    server_ids: list[str] = field(default_factory=list)
    record: SubmissionRecord | None = None
    failed: str | None = None  # why the centre refused it (失败)
    trouble: Exception | None = None  # offline, 5xx, 401: back in the queue


class BatchRun:
    """One run of `outbox` over `due` (oldest first), `size` items a request."""

    def __init__(self, outbox: OutboxSync, api: CentreApi, size: int) -> None:
        self.outbox = outbox
        self.clients = _Clients(outbox.client_factory, [api])
        self.api = api
        self.size = max(1, size)
        self.in_a_row = 0

    def run(
        self,
        due: Sequence[int],
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> RunCounts:
        counts = RunCounts()
        try:
            with ThreadPoolExecutor(self.outbox.senders, "outbox-upload") as pool:
                self.uploads = BatchUploads(self.clients, pool)
                for start in range(0, len(due), self.size):
                    if cancelled is not None and cancelled():
                        counts.cancelled, counts.stopped = True, Cancelled().message
                        break
                    self._batch(list(due[start : start + self.size]), counts)
                    if progress is not None:
                        progress(min(start + self.size, len(due)), len(due))
                    if counts.stopped is not None:
                        break
        finally:
            self.clients.close()
        return counts

    def _batch(self, item_ids: list[int], counts: RunCounts) -> None:
        items, already = self._start(item_ids)
        counts.sent += already
        self.uploads.upload(items)
        ready = [i for i in items if i.failed is None and i.trouble is None]
        try:
            self._submit(ready)
        finally:
            self._finish(items)
        self._count(items, counts)

    def _start(self, item_ids: list[int]) -> tuple[list[_Item], int]:
        """Mark the batch 上传中 and read what it needs (one transaction); and how many of
        these another sync had sent already."""
        items: list[_Item] = []
        with self.outbox.store.session() as session:
            rows = load_items(session, self.outbox.unit_id, item_ids)
            rows = [row for row in rows if row.state != UploadState.SENT]
            found = documents_of(session, [list(row.attachment_ids or []) for row in rows])
            for row, its_documents in zip(rows, found, strict=True):
                row.state = UploadState.SENDING  # committed before the first byte goes out
                items.append(
                    _Item(row.id, row.business, row.idempotency_key, row.rows, its_documents)
                )
        return items, len(item_ids) - len(items)

    def _submit(self, ready: list[_Item]) -> None:
        """Send the batch; each item keeps its own answer. Trouble with the request as a whole
        is every item's."""
        if not ready:
            return
        try:
            answers = self._answers(ready)
        except (OfflineError, ServerError, AuthError) as exc:
            for item in ready:
                item.trouble = exc
            return
        for item, answer in zip(ready, answers, strict=True):
            if isinstance(answer, SubmissionRecord):
                item.record = answer
            elif isinstance(answer, ServerRejectedError):
                from app.services.outbox import REJECTED_HINT

                item.failed = f"中心拒收：{answer.message}。{REJECTED_HINT}"
            else:
                item.trouble = answer

    def _answers(self, ready: list[_Item]) -> list[SubmissionRecord | Exception]:
        batch = [
            BatchSubmission(i.business, i.rows, i.server_ids, i.key, f"outbox-{i.item_id}")
            for i in ready
        ]
        send_batch = getattr(self.api, "submit_batch", None)  # a fake centre may have none
        answers = send_batch(batch) if send_batch is not None and len(batch) > 1 else None
        if answers is not None:
            return list(answers)
        one_by_one: list[SubmissionRecord | Exception] = []
        for i in batch:  # no batch call at this centre: one at a time, each its own verdict
            try:
                record = self.api.submit(
                    i.business, i.rows, i.attachments, i.idempotency_key, client_ref=i.client_ref
                )
                one_by_one.append(record)
            except (ServerRejectedError, ServerError, AuthError) as exc:
                one_by_one.append(exc)
        return one_by_one

    def _finish(self, items: list[_Item]) -> None:
        """Every outcome of the batch, and the documents uploaded, in one transaction."""
        marks = self.outbox.marks
        with self.outbox.store.session() as session:
            rows = load_items(session, self.outbox.unit_id, [item.item_id for item in items])
            documents = load_attachments(session, [a for item in items for a in item.uploaded])
            for item, row in zip(items, rows, strict=True):
                marks.uploads(session, item.uploaded, documents)
                if item.record is not None:
                    marks.sent(row, item.record)
                elif item.failed is not None:
                    marks.failed(row, item.failed)
                elif isinstance(item.trouble, AuthError):
                    marks.requeued(row, "登录已失效，请重新登录后继续上传", False)
                else:
                    message = getattr(item.trouble, "message", "")
                    marks.requeued(row, message or "未能发送，稍后自动重试", True)

    def _count(self, items: list[_Item], counts: RunCounts) -> None:
        for item in items:
            if item.record is not None:
                counts.sent += 1
                counts.replayed += item.record.replayed
            elif item.failed is not None:
                counts.failed += 1
                counts.failures.append((item.item_id, item.failed))
            else:
                counts.retry_later += 1
        auth = next((i.trouble for i in items if isinstance(i.trouble, AuthError)), None)
        if auth is not None:
            raise auth
        trouble = next((i.trouble for i in items if i.trouble is not None), None)
        if trouble is None:
            self.in_a_row = 0
            return
        self.in_a_row += 1
        offline = isinstance(trouble, OfflineError) and trouble.code != "timeout"
        if offline or self.in_a_row >= self.outbox.max_failures_in_a_row:
            counts.stopped = getattr(trouble, "message", None) or str(trouble)
