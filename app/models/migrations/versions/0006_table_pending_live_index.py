"""an index over a 清册's live rows in entry order (issue 12: a 100,000-row list)

Counting a list's rows and reading its ids in entry order read the index alone, not every
row's JSON: milliseconds instead of a scan of the whole table.

Revision ID: 0006_table
Revises: 0005_engine
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

revision = "0006_table"
down_revision = "0005_engine"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_pending_rows_list_live",
        "pending_rows",
        ["list_id", "deleted_at", "position", "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_pending_rows_list_live", table_name="pending_rows")
