"""the list-level values of a 清册 (entered once above it: a month, a reason default)

Revision ID: 0005_engine
Revises: 0004_perf
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_engine"
down_revision = "0004_perf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pending_lists", schema=None) as batch_op:
        batch_op.add_column(sa.Column("list_values", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pending_lists", schema=None) as batch_op:
        batch_op.drop_column("list_values")
