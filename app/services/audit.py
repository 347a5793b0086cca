"""The audit log: what the clerk did, kept in the unit's own data."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.models import AuditEntry


def record(
    session: Session,
    action: str,
    *,
    unit_id: int | None = None,
    business: str | None = None,
    **detail: Any,
) -> None:
    """Add an entry to the audit log in the caller's transaction (committed with its work)."""
    session.add(
        AuditEntry(unit_id=unit_id, action=action, business=business, detail=detail or None)
    )
