"""an index per row key over a 清册's live rows: one duplicate check without reading the list

添加/修改/撤销删除 of one row asks whether another live row of the list holds the same key
(证件号码 or 个人账号). With these (expression, partial) indexes that is an index lookup, not
a read of a 100,000-row list's keys (issue 12). The expressions must stay the text of
`app.services.engine.row_context.key_holders_query` (`upper(json_extract(data, '$.key'))`).

Revision ID: 0007_table
Revises: 0006_table
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0007_table"
down_revision = "0006_table"
branch_labels = None
depends_on = None

KEYS = ("id_number", "account_no")  # the row keys of the big lists (开户, the person-bound)


def upgrade() -> None:
    for key in KEYS:
        op.execute(
            f"CREATE INDEX IF NOT EXISTS ix_pending_rows_live_{key} ON pending_rows "
            f"(list_id, upper(json_extract(data, '$.{key}'))) WHERE deleted_at IS NULL"
        )


def downgrade() -> None:
    for key in KEYS:
        op.execute(f"DROP INDEX IF EXISTS ix_pending_rows_live_{key}")
