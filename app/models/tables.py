"""The local store: one SQLite file holding every unit's data, each row keyed by its unit.

Generic over business: a pending list's rows and an outbox submission's payload are JSON documents
whose shape the business spec defines, so a new business needs no new table.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, DecimalText, JSONText, utcnow
from app.services.engine.states import ListState, UploadState


class Unit(Base):
    """An employer (单位) whose clerk works on this PC."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # 单位账号
    name: Mapped[str] = mapped_column(String(200))
    server_url: Mapped[str | None] = mapped_column(String(500))
    profile: Mapped[dict[str, Any] | None] = mapped_column(JSONText)  # the server's unit profile
    policy: Mapped[dict[str, Any] | None] = mapped_column(JSONText)  # the server's policy copy
    roster_version: Mapped[int] = mapped_column(Integer, default=0)
    # The server's submissions version already pulled (review states); moves only after a commit.
    submissions_version: Mapped[int] = mapped_column(Integer, default=0)
    last_synced_at: Mapped[datetime | None]  # the last sync that reached the server
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]


class RosterPerson(Base):
    """The unit's employees as last synced from the centre (works offline)."""

    __tablename__ = "roster_persons"
    __table_args__ = (
        UniqueConstraint("unit_id", "account_no"),
        Index("ix_roster_unit_name", "unit_id", "name"),
        Index("ix_roster_unit_id_number", "unit_id", "id_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    account_no: Mapped[str] = mapped_column(String(40))  # 个人账号, opaque
    name: Mapped[str] = mapped_column(String(100))
    id_type: Mapped[str] = mapped_column(String(30), default="居民身份证")
    id_number: Mapped[str] = mapped_column(String(40))
    sex: Mapped[str | None] = mapped_column(String(4))
    birth_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(10))  # 正常 / 封存 / 销户
    base: Mapped[Decimal | None] = mapped_column(DecimalText)
    unit_ratio: Mapped[Decimal | None] = mapped_column(DecimalText)
    personal_ratio: Mapped[Decimal | None] = mapped_column(DecimalText)
    monthly_amount: Mapped[Decimal | None] = mapped_column(DecimalText)
    opened_on: Mapped[date | None]
    paid_to: Mapped[str | None] = mapped_column(String(7))  # 缴至年月 "YYYY-MM"
    version: Mapped[int] = mapped_column(Integer, default=0)
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSONText)


class PendingList(Base):
    """A 清册: rows of one business being prepared by the clerk, not yet submitted."""

    __tablename__ = "pending_lists"
    __table_args__ = (Index("ix_pending_unit_business", "unit_id", "business", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    business: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(12), default=ListState.OPEN.value)
    # The list-level values (field key -> text) entered once above the 清册.
    list_values: Mapped[dict[str, str] | None] = mapped_column(JSONText)
    reopened_from: Mapped[int | None] = mapped_column(
        ForeignKey("outbox.id", use_alter=True)  # outbox and pending lists refer to each other
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]

    rows: Mapped[list[PendingRow]] = relationship(
        back_populates="pending_list", order_by="PendingRow.position"
    )


class PendingRow(Base):
    """One row of a 清册; `data` follows the business's row schema."""

    __tablename__ = "pending_rows"
    # A list's live rows counted and read in entry order from the index alone (issue 12).
    __table_args__ = (
        Index("ix_pending_rows_list_live", "list_id", "deleted_at", "position", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("pending_lists.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    data: Mapped[dict[str, Any]] = mapped_column(JSONText)
    errors: Mapped[dict[str, str] | None] = mapped_column(JSONText)  # field -> message
    source: Mapped[str | None] = mapped_column(String(200))  # "单笔录入" or "文件名 第N行"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None]  # soft delete, so 删除 can be undone

    pending_list: Mapped[PendingList] = relationship(back_populates="rows")


class Attachment(Base):
    """A finished document (one PDF per material) kept until the centre accepts it."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    business: Mapped[str] = mapped_column(String(30))
    material: Mapped[str] = mapped_column(String(100))
    list_id: Mapped[int | None] = mapped_column(ForeignKey("pending_lists.id"))
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    page_count: Mapped[int] = mapped_column(Integer, default=1)
    server_id: Mapped[str | None] = mapped_column(String(80))
    uploaded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxItem(Base):
    """A submission: committed here before anything is sent, sent exactly once by its key."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    business: Mapped[str] = mapped_column(String(30))
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    list_id: Mapped[int | None] = mapped_column(ForeignKey("pending_lists.id"))  # what was sent
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSONText)
    attachment_ids: Mapped[list[int]] = mapped_column(JSONText, default=list)
    state: Mapped[str] = mapped_column(String(12), default=UploadState.QUEUED.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    server_id: Mapped[str | None] = mapped_column(String(80))
    review_state: Mapped[str | None] = mapped_column(
        String(12)
    )  # 待审核/审核通过/退回/已复核/已使用
    review_reason: Mapped[str | None] = mapped_column(Text)
    review_result: Mapped[dict[str, Any] | None] = mapped_column(JSONText)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    sent_at: Mapped[datetime | None]


class AuditEntry(Base):
    """What the clerk did, for the unit's own records. Never holds secrets or full ID numbers."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_unit_at", "unit_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(40))
    business: Mapped[str | None] = mapped_column(String(30))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSONText)
