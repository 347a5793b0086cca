"""A scan already on disk recorded as the client records one (outbox and sync tests, the bench)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy.orm import Session

from app.models import Attachment


def document_row(session: Session, unit_id: int, path: Path) -> Attachment:
    """An 开户 身份证复印件 of the file at `path`, flushed (its id set)."""
    row = Attachment(
        unit_id=unit_id,
        business="open-account",
        material="身份证复印件",
        path=str(path),
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        size=path.stat().st_size,
    )
    session.add(row)
    session.flush()
    return row
