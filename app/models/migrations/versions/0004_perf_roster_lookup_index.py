"""an index for finding a person by the last 4–6 characters of the ID number

The index is on the reversed last six characters of `id_number` (an expression index: no new
column, nothing for the code that writes the roster to fill in), so "ends with 123456" becomes
the index range "starts with 654321" instead of a scan of the unit's rows.
The expression must stay the text of `app.services.roster_lookup.SUFFIX_SQL`.

Revision ID: 0004_perf
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

revision = "0004_perf"
down_revision = "0003"
branch_labels = None
depends_on = None

SUFFIX_SQL = "||".join(f"substr(id_number, -{n}, 1)" for n in range(1, 7))


def upgrade() -> None:
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_roster_unit_id_suffix "
        f"ON roster_persons (unit_id, {SUFFIX_SQL})"
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_roster_unit_id_suffix")
