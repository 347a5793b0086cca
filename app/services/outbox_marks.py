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


def documents(session: Session, attachment_ids: list[int]) -> list[Document | str]:
    """Each document as what its upload needs, or its server id if the centre has it."""
    rows = {
        row.id: row
        for row in session.scalars(select(Attachment).where(Attachment.id.in_(attachment_ids)))
    }
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

    def uploads(self, session: Session, uploaded: dict[int, str]) -> None:
        """Record the server ids of documents uploaded (attachment id → server id)."""
        for attachment_id, server_id in uploaded.items():
            row = session.get(Attachment, attachment_id)
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
