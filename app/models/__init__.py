"""SQLAlchemy models of the local store (no Qt)."""

from app.models.base import Base
from app.models.tables import (
    Attachment,
    AuditEntry,
    OutboxItem,
    PendingList,
    PendingRow,
    RosterPerson,
    Unit,
)

__all__ = [
    "Attachment",
    "AuditEntry",
    "Base",
    "OutboxItem",
    "PendingList",
    "PendingRow",
    "RosterPerson",
    "Unit",
]
