"""A business's pending list (清册): add, modify, delete (with undo), check, submit, reopen.

The work is split by job: `pending_store` (the SQL store of rows), `row_context` (what the
rules consult), `pending_edit` (add / update / delete / undo / recheck / list values),
`pending_submit` (materials, 全部提交, 重新修改), `pending_incomplete` (rows 待补全: stored with
required fields still blank, completed later). `BusinessList` is all of it for one business
and one unit.
"""

from __future__ import annotations

from app.services.engine.pending_incomplete import PendingIncomplete
from app.services.engine.pending_store import ListSummary as ListSummary
from app.services.engine.pending_store import RowInvalidError as RowInvalidError
from app.services.engine.pending_store import RowView as RowView
from app.services.engine.pending_submit import PendingSubmitting
from app.services.engine.row_context import roster_entries as roster_entries


class BusinessList(PendingSubmitting, PendingIncomplete):
    """The open 清册 of one business for one unit (one list, whatever its old name said)."""


# The name callers used before the split (it holds one list, not several).
PendingLists = BusinessList
