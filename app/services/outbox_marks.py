"""What a send reads of an outbox item's documents and writes as its outcome, inside a caller's
transaction: one item at a time (`OutboxSync`) or a whole batch in one (`outbox_batch`)."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Attachment, OutboxItem
from app.services.api.models import SubmissionRecord
from app.services.engine.states import UploadState
from app.services.outbox_reviews import apply_review

logger = logging.getLogger(__name__)

QUEUED, SENT, FAILED = UploadState.QUEUED, UploadState.SENT, UploadState.FAILED
BACKOFF_BASE = 2.0  # seconds before the first retry
BACKOFF_CAP = 300.0  # never wait more than five minutes


def backoff_seconds(attempts: int, rng: random.Random) -> float:
    """Exponential backoff after `attempts` failures: ~2 s, 4 s, 8 s … capped at 5 minutes.

    Jitter (±20 %) keeps many clients that lost the centre at once from coming back in step.
    """
    exponent = min(max(attempts, 1) - 1, 20)
    delay = min(BACKOFF_CAP, BACKOFF_BASE * 2**exponent)
    return min(BACKOFF_CAP, delay * rng.uniform(0.8, 1.2))


class Document(NamedTuple):
    """A document still to upload: its attachment row, file (None: the row is gone), checksum
    and material name."""

    attachment_id: int
    path: Path | None
    sha256: str
    material: str


_IN_LIMIT = 500  # bound parameters a query (SQLite's limit is higher; the plan stays cheap)


def load_items(session: Session, unit_id: int, item_ids: list[int]) -> list[OutboxItem]:
    """These outbox rows of the unit, in the order given, read in one query a few hundred
    (not a `Session.get` each, issue 12); KeyError for one that is not the unit's."""
    rows: dict[int, OutboxItem] = {}
    for start in range(0, len(item_ids), _IN_LIMIT):
        chunk = item_ids[start : start + _IN_LIMIT]
        found = session.scalars(
            select(OutboxItem).where(OutboxItem.unit_id == unit_id, OutboxItem.id.in_(chunk))
        )
        rows.update((row.id, row) for row in found)
    return [rows[item_id] for item_id in item_ids]


def load_attachments(session: Session, attachment_ids: list[int]) -> dict[int, Attachment]:
    """These attachment rows, read in one query a few hundred (and kept in the session)."""
    rows: dict[int, Attachment] = {}
    for start in range(0, len(attachment_ids), _IN_LIMIT):
        chunk = attachment_ids[start : start + _IN_LIMIT]
        rows.update(
            (row.id, row)
            for row in session.scalars(select(Attachment).where(Attachment.id.in_(chunk)))
        )
    return rows


def documents_of(session: Session, lists: list[list[int]]) -> list[list[Document | str]]:
    """`documents` of several items, their attachment rows read together."""
    rows = load_attachments(session, sorted({a for ids in lists for a in ids}))
    return [_documents(rows, ids) for ids in lists]


def documents(session: Session, attachment_ids: list[int]) -> list[Document | str]:
    """Each document as what its upload needs, or its server id if the centre has it."""
    return _documents(load_attachments(session, attachment_ids), attachment_ids)


def _documents(rows: dict[int, Attachment], attachment_ids: list[int]) -> list[Document | str]:
    found: list[Document | str] = []
    for attachment_id in attachment_ids:
        row = rows.get(attachment_id)
        if row is None:
            found.append(Document(attachment_id, None, "", ""))
        elif row.server_id is not None:
            found.append(row.server_id)
        else:
            found.append(Document(attachment_id, Path(row.path), row.sha256, row.material))
    return found


class Marks:
    """The outcome writes, given the unit's clock and the backoff's randomness."""

    def __init__(self, clock: Callable[[], datetime], rng: random.Random) -> None:
        self.clock = clock
        self.rng = rng

    def uploads(
        self,
        session: Session,
        uploaded: dict[int, str],
        rows: dict[int, Attachment] | None = None,
    ) -> None:
        """Record the server ids of documents uploaded (attachment id → server id); `rows`:
        their attachment rows if read already."""
        for attachment_id, server_id in uploaded.items():
            row = (
                session.get(Attachment, attachment_id) if rows is None else rows.get(attachment_id)
            )
            if row is not None:
                row.server_id, row.uploaded_at = server_id, self.clock()

    def sent(self, item: OutboxItem, record: SubmissionRecord) -> None:
        item.state, item.server_id, item.sent_at = SENT, str(record.id), self.clock()
        item.last_error, item.next_attempt_at = None, None
        apply_review(item, record.state, record.reason, record.result)
        logger.info(
            "outbox %d sent as submission %d%s", item.id, record.id, " (replay)" * record.replayed
        )

    def failed(self, item: OutboxItem, message: str) -> None:
        if item.state == SENT:  # another sync (the window and the CLI) got it through
            return
        item.state, item.last_error, item.next_attempt_at = FAILED, message, None
        item.attempts += 1
        logger.warning("outbox %d failed: %s", item.id, message)

    def requeued(self, item: OutboxItem, error: str, backoff: bool) -> None:
        if item.state == SENT:  # another sync got it through meanwhile: that is the truth
            return
        item.state, item.last_error = QUEUED, error
        if backoff:
            item.attempts += 1
            delay = backoff_seconds(item.attempts, self.rng)
            item.next_attempt_at = self.clock() + timedelta(seconds=delay)
        logger.info("outbox %d back in the queue: %s", item.id, error)
