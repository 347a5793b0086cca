"""per-unit cursor of pulled review states and the time of the last sync

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("submissions_version", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("last_synced_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_column("last_synced_at")
        batch_op.drop_column("submissions_version")
