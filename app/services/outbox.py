"""Outbox sync: send queued submissions exactly once, retry with backoff, pull review states.

Every submission is committed to the outbox (state "queued") before anything is sent. A send
marks the item "sending" (committed), uploads its attachments (content-addressed on the server,
so a retried upload is stored once), then submits with the item's own Idempotency-Key: however
often a send is repeated — after a timeout, a 5xx, a crash or a closed app — the centre records
the submission once. Items left "sending" by a crash are simply sent again with the same key.

No Qt here: the window drives this through `app.views.sync_controller`, the command line
through `gjj-desk sync`.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import AuthError, OfflineError, ServerError, ServerRejectedError
from app.models import OutboxItem, Unit
from app.models.base import utcnow
from app.services.api.models import SubmissionRecord
from app.services.engine.states import UploadState
from app.services.outbox_marks import BACKOFF_CAP, Document, Marks, backoff_seconds
from app.services.outbox_marks import documents as outbox_documents
from app.services.outbox_pool import DEFAULT_SENDERS, PoolRun, person_keys
from app.services.outbox_queries import STATE_LABELS, OutboxQueries, waiting_count
from app.services.outbox_report import (
    CentreApi,
    ClientFactory,
    Clock,
    OutboxView,
    Progress,
    RunCounts,
    SyncReport,
    waiting_note,
)
from app.services.outbox_reviews import ReviewPuller
from app.services.store import Store
from app.services.versions import refusal_to_send

__all__ = [
    "BACKOFF_CAP",
    "CentreApi",
    "ClientFactory",
    "Clock",
    "OutboxSync",
    "OutboxView",
    "Progress",
    "STATE_LABELS",
    "RunCounts",
    "SyncReport",
    "backoff_seconds",
    "requeue_failed",
    "waiting_count",
    "waiting_note",
]

logger = logging.getLogger(__name__)

QUEUED, SENDING, SENT, FAILED = (
    UploadState.QUEUED,
    UploadState.SENDING,
    UploadState.SENT,
    UploadState.FAILED,
)

# After this many transient failures in a row a run stops: the network or the centre is down.
MAX_FAILURES_IN_A_ROW = 3

REJECTED_HINT = "重发无法解决，已停止自动重试；请核对后重新录入并提交，或联系公积金中心。"


class UnsendableError(Exception):
    """An item cannot be sent as it is (refused by the centre, a file missing)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def missing_file(document: Document) -> str | None:
    """Why a document cannot be uploaded from this machine (its row or file gone), or None."""
    if document.path is None:
        return f"附件记录 {document.attachment_id} 已不存在，请重新添加影像资料后再提交。"
    if not document.path.is_file():
        return (
            f"附件“{document.material}”的文件不存在：{document.path}。请把文件放回原处后重试，"
            "或重新扫描/添加该资料后重新提交。"
        )
    return None


def requeue_failed(store: Store, unit_id: int, item_id: int) -> bool:
    """Put a 失败 item of the unit back in the queue, with its own key; False if it was not."""
    with store.session() as session:
        item = session.get(OutboxItem, item_id)
        if item is None or item.unit_id != unit_id or item.state != FAILED or item.review_state:
            return False
        item.state, item.next_attempt_at = QUEUED, None
        return True


class OutboxSync(OutboxQueries, ReviewPuller):
    """The outbox of one unit: what is due, sending it, and pulling review states back."""

    def __init__(
        self,
        store: Store,
        unit_id: int,
        client_factory: ClientFactory,
        *,
        clock: Clock = utcnow,
        rng: random.Random | None = None,
        max_failures_in_a_row: int = MAX_FAILURES_IN_A_ROW,
        senders: int = DEFAULT_SENDERS,
        batch: int = 1,
    ) -> None:
        self.store = store
        self.unit_id = unit_id
        self.client_factory = client_factory
        self.clock = clock
        self.rng = rng or random.Random()
        self.max_failures_in_a_row = max_failures_in_a_row
        self.senders = senders
        self.batch = batch
        self.marks = Marks(clock, self.rng)

    # --- sending ---------------------------------------------------------------------------
    def send_one(self, item_id: int, client: CentreApi | None = None) -> str:
        """Send one item; returns its new state. AuthError propagates (item back to 待上传).

        OfflineError and ServerError are absorbed here (item back to 待上传 with a backoff) and
        re-raised so that `run` can decide whether to go on; callers of `send_one` alone may
        catch them.
        """
        own = client is None
        api = self.client_factory() if client is None else client
        try:
            return self._send(item_id, api)[0]
        finally:
            if own:
                api.close()

    def _send(self, item_id: int, api: CentreApi) -> tuple[str, bool]:
        """(new state, whether the centre answered with a replay of an earlier send).

        Two local commits an item (issue 12): "sending" with everything the send needs read in
        the same transaction, then the outcome with the documents' server ids.
        """
        uploaded: dict[int, str] = {}
        with self.store.session() as session:
            item = self._item(session, item_id)
            if item.state == SENT:
                return SENT, False
            item.state = SENDING  # committed before the first byte goes out
            business, key, rows = item.business, item.idempotency_key, list(item.rows)
            documents = outbox_documents(session, list(item.attachment_ids or []))
        try:
            server_ids = self._upload(item_id, business, documents, api, uploaded)
            record = api.submit(business, rows, server_ids, key, client_ref=f"outbox-{item_id}")
        except UnsendableError as failed:
            self._mark_failed(item_id, failed.message, uploaded)
            return FAILED, False
        except ServerRejectedError as exc:
            self._mark_failed(item_id, f"中心拒收：{exc.message}。{REJECTED_HINT}", uploaded)
            return FAILED, False
        except AuthError:
            self._requeue(item_id, "登录已失效，请重新登录后继续上传", False, uploaded)
            raise
        except (OfflineError, ServerError) as exc:
            self._requeue(item_id, exc.message, True, uploaded)
            raise
        self._mark_sent(item_id, record, uploaded)
        return SENT, record.replayed

    def _upload(
        self,
        item_id: int,
        business: str,
        documents: list[Document | str],
        api: CentreApi,
        uploaded: dict[int, str],
    ) -> list[str]:
        """Upload the item's documents not uploaded yet; their server ids, in order.

        What was uploaded goes into `uploaded` (attachment id → server id), recorded with the
        item's outcome whatever it is, so a retry does not upload it again.
        """
        server_ids: list[str] = []
        for document in documents:
            if isinstance(document, str):
                server_ids.append(document)
                continue
            attachment_id, path, sha256, material = document
            missing = missing_file(document)
            if missing is not None or path is None:
                raise UnsendableError(missing or "")
            try:
                info = api.upload_attachment(path, sha256, material, business)
            except ServerRejectedError as exc:
                raise UnsendableError(f"附件“{material}”被中心拒收：{exc.message}") from exc
            uploaded[attachment_id] = info.id
            server_ids.append(info.id)
            logger.info("outbox %d: uploaded attachment %d", item_id, attachment_id)
        return server_ids

    def _mark_sent(self, item_id: int, record: SubmissionRecord, uploaded: dict[int, str]) -> None:
        with self.store.session() as session:
            self.marks.uploads(session, uploaded)
            self.marks.sent(self._item(session, item_id), record)

    def _mark_failed(self, item_id: int, message: str, uploaded: dict[int, str]) -> None:
        with self.store.session() as session:
            self.marks.uploads(session, uploaded)
            self.marks.failed(self._item(session, item_id), message)

    def _requeue(self, item_id: int, error: str, backoff: bool, uploaded: dict[int, str]) -> None:
        with self.store.session() as session:
            self.marks.uploads(session, uploaded)
            self.marks.requeued(self._item(session, item_id), error, backoff)

    def _item(self, session: Session, item_id: int) -> OutboxItem:
        item = session.get(OutboxItem, item_id)
        if item is None or item.unit_id != self.unit_id:
            raise KeyError(item_id)
        return item

    def run(
        self,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
        *,
        now_anyway: bool = False,
    ) -> RunCounts:
        """Send everything due, a few at a time (`senders`), each item exactly once.

        Items touching the same person go in the order they were queued (app.services.
        outbox_pool). Stops early, leaving the rest queued, when the centre cannot be reached or
        keeps failing, or when cancelled; AuthError stops the run and propagates. `now_anyway`
        sends items waiting out their backoff too (the clerk asked for it). With `batch` > 1
        they go that many a request instead (app.services.outbox_batch), one batch after the
        other, their documents uploaded on `senders` threads.
        """
        counts = RunCounts()
        due = self.due(now_anyway=now_anyway)
        if not due:
            return counts
        api = self.client_factory()
        try:  # below the centre's minimum client version nothing is sent: the items wait
            refused = refusal_to_send(api)
        except BaseException:
            api.close()
            raise
        if refused is not None:
            api.close()
            counts.stopped = refused
            return counts
        if self.batch > 1:
            from app.services.outbox_batch import BatchRun

            return BatchRun(self, api, self.batch).run(due, progress, cancelled)
        keys = self._person_keys(due)
        pool = PoolRun(
            self._send,
            keys.__getitem__,
            self.client_factory,
            first_client=api,  # closed with the pool's own
            senders=self.senders,
            max_failures_in_a_row=self.max_failures_in_a_row,
            error_of=self._error_of,
            sent_state=SENT,
        )
        return pool.run(due, progress, cancelled)

    def _person_keys(self, item_ids: list[int]) -> dict[int, frozenset[str]]:
        """The people each due item touches, read in one query (not a session per item)."""
        keys: dict[int, frozenset[str]] = {}
        with self.store.session() as session:
            for start in range(0, len(item_ids), 500):  # SQLite's limit on bound parameters
                found = session.execute(
                    select(OutboxItem.id, OutboxItem.rows).where(
                        OutboxItem.unit_id == self.unit_id,
                        OutboxItem.id.in_(item_ids[start : start + 500]),
                    )
                )
                keys.update((item_id, person_keys(rows)) for item_id, rows in found)
        return keys

    def _error_of(self, item_id: int) -> str:
        with self.store.session() as session:
            return self._item(session, item_id).last_error or ""

    def sync(
        self,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
        *,
        manual: bool = False,
    ) -> SyncReport:
        """Send what is due, then pull review states; remember when the centre was reached.

        When review states changed, the roster's delta comes too: an approved 开户 adds people
        the clerk looks up next. `manual` (the clerk asked) sends items still in their backoff
        and says why when there was nothing to send.
        """
        counts = self.run(progress, cancelled, now_anyway=manual)
        report = SyncReport(counts)
        if manual and not (counts.sent or counts.failed or counts.retry_later):
            report.idle_reason = self.idle_reason()
        if counts.stopped is not None:
            return report
        try:
            report.reviews_updated = self.pull_reviews()
            if report.reviews_updated:
                report.roster = self.pull_roster()
                self.pull_profile()
        except (OfflineError, ServerError) as exc:
            report.pull_error = exc.message  # what arrived is kept; the next sync goes on
            return report
        report.pulled = True
        with self.store.session() as session:
            session.get_one(Unit, self.unit_id).last_synced_at = self.clock()
        # Review states are fresh: the originals of accepted work that are due may go, whoever
        # syncs (the window or `gjj-desk sync`).
        report.originals_removed = self.clean_originals()
        return report

    def clean_originals(self) -> int:
        """Remove the originals of accepted submissions kept long enough; how many went."""
        from app.services.attachments import AttachmentService  # PDF libraries: only here

        attachments = AttachmentService(self.store, self.unit_id)
        return len(attachments.cleanup(attachments.accepted_submissions()))
