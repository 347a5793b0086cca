"""initial local store: units, roster cache, pending lists, attachments, outbox

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("server_url", sa.String(length=500), nullable=True),
        sa.Column("profile", sa.Text(), nullable=True),
        sa.Column("policy", sa.Text(), nullable=True),
        sa.Column("roster_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_units")),
        sa.UniqueConstraint("code", name=op.f("uq_units_code")),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("business", sa.String(length=30), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=True),
        sa.Column("rows", sa.Text(), nullable=False),
        sa.Column("attachment_ids", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("server_id", sa.String(length=80), nullable=True),
        sa.Column("review_state", sa.String(length=12), nullable=True),
        sa.Column("review_reason", sa.Text(), nullable=True),
        sa.Column("review_result", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_outbox_unit_id_units"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_idempotency_key")),
        # SQLite checks foreign keys when rows are written, so pending_lists may come later.
        sa.ForeignKeyConstraint(
            ["list_id"], ["pending_lists.id"], name=op.f("fk_outbox_list_id_pending_lists")
        ),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_state", ["state", "next_attempt_at"], unique=False)

    op.create_table(
        "roster_persons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("account_no", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("id_type", sa.String(length=30), nullable=False),
        sa.Column("id_number", sa.String(length=40), nullable=False),
        sa.Column("sex", sa.String(length=4), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("base", sa.String(length=32), nullable=True),
        sa.Column("unit_ratio", sa.String(length=32), nullable=True),
        sa.Column("personal_ratio", sa.String(length=32), nullable=True),
        sa.Column("monthly_amount", sa.String(length=32), nullable=True),
        sa.Column("opened_on", sa.Date(), nullable=True),
        sa.Column("paid_to", sa.String(length=7), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("extra", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["units.id"],
            name=op.f("fk_roster_persons_unit_id_units"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_persons")),
        sa.UniqueConstraint("unit_id", "account_no", name=op.f("uq_roster_persons_unit_id")),
    )
    with op.batch_alter_table("roster_persons", schema=None) as batch_op:
        batch_op.create_index("ix_roster_unit_id_number", ["unit_id", "id_number"], unique=False)
        batch_op.create_index("ix_roster_unit_name", ["unit_id", "name"], unique=False)

    op.create_table(
        "pending_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("business", sa.String(length=30), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("reopened_from", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["reopened_from"], ["outbox.id"], name=op.f("fk_pending_lists_reopened_from_outbox")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["units.id"],
            name=op.f("fk_pending_lists_unit_id_units"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_lists")),
    )
    with op.batch_alter_table("pending_lists", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pending_unit_business", ["unit_id", "business", "state"], unique=False
        )

    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("business", sa.String(length=30), nullable=False),
        sa.Column("material", sa.String(length=100), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=True),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column("server_id", sa.String(length=80), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"], ["pending_lists.id"], name=op.f("fk_attachments_list_id_pending_lists")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_attachments_unit_id_units"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    op.create_table(
        "pending_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("errors", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["pending_lists.id"],
            name=op.f("fk_pending_rows_list_id_pending_lists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_rows")),
    )


def downgrade() -> None:
    op.drop_table("pending_rows")
    op.drop_table("attachments")
    with op.batch_alter_table("pending_lists", schema=None) as batch_op:
        batch_op.drop_index("ix_pending_unit_business")

    op.drop_table("pending_lists")
    with op.batch_alter_table("roster_persons", schema=None) as batch_op:
        batch_op.drop_index("ix_roster_unit_name")
        batch_op.drop_index("ix_roster_unit_id_number")

    op.drop_table("roster_persons")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_state")

    op.drop_table("outbox")
    op.drop_table("units")
