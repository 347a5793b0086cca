"""Changing a 清册: add (one or many), modify, delete with undo, the list's values, recheck."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from app.errors import BadInputError, KnownError
from app.models import PendingList, PendingRow
from app.models.base import utcnow
from app.services import audit
from app.services.engine.fields import check_field, is_blank
from app.services.engine.pending_store import PendingStore, RowInvalidError, RowView, row_view
from app.services.engine.row_context import same_rules
from app.services.engine.rows import check_row, duplicate_error
from app.services.engine.spec import RowCheck, RowContext
from app.services.engine.states import ListState

# Up to this many rows checked at once, each row's key is looked up in SQLite; more, and the
# list's keys are read once (an import of 10,000 rows would otherwise ask 10,000 times).
FEW_ROWS = 20


class PendingEditing(PendingStore):
    """Every change a clerk makes to the open list, each checked against the row rules."""

    def snapshot(self) -> RowContext:
        """The rules' context as of now, for live previews that must not query per keystroke."""
        with self.store.session() as session:
            return self.context(session, self._open_list(session))

    def _context_for(self, session: Session, plist: PendingList, rows: int) -> RowContext:
        if rows <= FEW_ROWS:
            return self.few_rows_context(session, plist)
        return self.context(session, plist)  # the keys read once, not asked per row

    def check(self, raw: Mapping[str, Any], *, row_id: int | None = None) -> RowCheck:
        """What adding (or changing) this row would say, without storing anything."""
        with self.store.session() as session:
            plist = self._open_list(session)
            ctx = self.few_rows_context(session, plist)
            return check_row(self.spec, raw, ctx, row_id=row_id)

    def add(self, raw: Mapping[str, Any], *, source: str = "单笔录入") -> RowView:
        """Check and add one row; RowInvalidError (nothing stored) if it breaks a rule."""
        return self.add_many([(self._filled(raw), source)])[0]

    def _filled(self, raw: Mapping[str, Any], row_id: int | None = None) -> Mapping[str, Any]:
        """The row with what the centre fills in (`centre_fill`), once its own rules pass."""
        if self.centre_fill is None:
            return raw
        local = self.check(raw, row_id=row_id)
        if not local.ok:
            raise RowInvalidError(local.errors)
        return self.centre_fill(local.values)

    def add_many(
        self,
        rows: Iterable[tuple[Mapping[str, Any], str]],
        *,
        checked: Sequence[RowCheck] | None = None,
        checked_with: RowContext | None = None,
    ) -> list[RowView]:
        """Add rows in one transaction: all of them, or none if any breaks a rule.

        A bulk import may pass what its validation gave (`checked`, one per row, made against
        `checked_with`): while the rules' context is still the same, only duplicates are looked
        at again (the rules are pure functions of row and context); otherwise, and whenever
        nothing is passed, every row is checked afresh.
        """
        with self.store.session() as session:
            ids, records = self._add(session, list(rows), checked, checked_with, replacing=False)
        return [
            RowView(row_id, r["position"], dict(r["data"]), {}, r["source"])
            for row_id, r in zip(ids, records, strict=True)
        ]

    def replace_all(
        self,
        rows: Iterable[tuple[Mapping[str, Any], str]],
        *,
        checked: Sequence[RowCheck] | None = None,
        checked_with: RowContext | None = None,
    ) -> int:
        """The list's live rows deleted (soft, as 删除 does) and `rows` added as `add_many`
        adds them, in one transaction: a file that replaces the list leaves the old rows if it
        is refused, and costs one commit (an fsync), not two. How many rows were added (no
        RowView made per row: an import of 10,000 does not show them)."""
        with self.store.session() as session:
            ids, _ = self._add(session, list(rows), checked, checked_with, replacing=True)
        return len(ids)

    def _add(
        self,
        session: Session,
        batch: list[tuple[Mapping[str, Any], str]],
        checked: Sequence[RowCheck] | None,
        checked_with: RowContext | None,
        *,
        replacing: bool,
    ) -> tuple[list[int], list[dict[str, Any]]]:
        """`add_many`'s (or `replace_all`'s) work in `session`: the new ids and records."""
        key_field = self.spec.row_key
        plist = self._locked(session)  # no other writer between the checks and the insert
        if replacing:  # no live row is left: none of the list's keys is read
            ctx = self.context(session, None)
            ctx = replace(ctx, pending_keys={}, list_values=dict(plist.list_values or {}))
            self._delete_live(session, plist)
        else:
            ctx = self._context_for(session, plist, len(batch))
        reuse = (
            checked is not None
            and len(checked) == len(batch)
            and checked_with is not None
            and same_rules(ctx, checked_with)
        )
        position = 0 if replacing else self._live_count(session, plist)
        keys = ctx.pending_keys
        list_id = plist.id
        records: list[dict[str, Any]] = []
        for index, (raw, source) in enumerate(batch):
            if reuse and checked is not None:
                result = checked[index]
                errors = result.errors
                key = result.values.get(key_field) if key_field else None
                if not errors and key and str(key).upper() in keys:  # the one rule left
                    errors = duplicate_error(self.spec, result.values, ctx)
            else:
                result = check_row(self.spec, raw, ctx)
                errors = result.errors
            if errors:
                raise RowInvalidError(errors)
            position += 1
            record = {"list_id": list_id, "position": position, "data": result.values}
            record["source"] = source
            records.append(record)
            if key_field and result.values.get(key_field):
                # Any holder makes a later row with the same key a duplicate.
                keys[result.values[key_field].upper()] = -position
        ids = self._insert_rows(session, records)
        audit.record(
            session,
            "pending.add",
            unit_id=self.unit_id,
            business=self.spec.code,
            count=len(records),
        )
        return ids, records

    def update(self, row_id: int, raw: Mapping[str, Any]) -> RowView:
        raw = self._filled(raw, row_id)
        with self.store.session() as session:
            row = self._row(session, row_id)
            ctx = self.few_rows_context(session, row.pending_list)
            result = check_row(self.spec, raw, ctx, row_id=row_id)
            if not result.ok:
                raise RowInvalidError(result.errors)
            row.data, row.errors = result.values, None
            audit.record(
                session, "pending.update", unit_id=self.unit_id, business=self.spec.code, row=row_id
            )
            session.flush()
            return row_view(row)

    def delete(self, row_id: int) -> None:
        """Remove a row from the list; `undo_delete` brings it back."""
        with self.store.session() as session:
            self._row(session, row_id).deleted_at = utcnow()
            audit.record(
                session, "pending.delete", unit_id=self.unit_id, business=self.spec.code, row=row_id
            )

    def delete_many(self, row_ids: Sequence[int]) -> list[RowView]:
        """Remove several rows in one transaction (all or none); the rows as they were."""
        with self.store.session() as session:
            rows = [self._row(session, row_id) for row_id in row_ids]
            now = utcnow()
            for row in rows:
                row.deleted_at = now
            audit.record(
                session,
                "pending.delete",
                unit_id=self.unit_id,
                business=self.spec.code,
                count=len(rows),
            )
            return [row_view(row) for row in rows]

    def undo_delete_many(self, row_ids: Sequence[int]) -> list[RowView]:
        """Bring back what `delete_many` removed, in one transaction (all or none)."""
        with self.store.session() as session:
            plist = self._locked(session)
            ctx = self._context_for(session, plist, len(row_ids))
            return [self._undo_delete(session, row_id, ctx) for row_id in row_ids]

    def undo_delete(self, row_id: int) -> RowView:
        with self.store.session() as session:
            plist = self._locked(session)
            return self._undo_delete(session, row_id, self.few_rows_context(session, plist))

    def _undo_delete(self, session: Session, row_id: int, ctx: RowContext) -> RowView:
        row = session.get(PendingRow, row_id)
        if row is None or row.pending_list.unit_id != self.unit_id:
            raise BadInputError("要恢复的记录已不存在。")
        if row.pending_list.state != ListState.OPEN:
            raise BadInputError("该清册已经提交，无法恢复其中删除的记录。")
        key_field = self.spec.row_key or ""
        if duplicate_error(self.spec, row.data, ctx, row_id):
            label = self.spec.field(key_field).label
            raise BadInputError(
                f"{label} {row.data.get(key_field, '')} 已重新录入，不能再恢复这条记录。"
            )
        row.deleted_at = None
        if key_field and row.data.get(key_field):  # a second restored row may not repeat it
            ctx.pending_keys[str(row.data[key_field]).upper()] = row_id
        audit.record(
            session,
            "pending.undo_delete",
            unit_id=self.unit_id,
            business=self.spec.code,
            row=row_id,
        )
        return row_view(row)

    def set_list_values(self, raw: Mapping[str, Any]) -> dict[str, str]:
        """Store the list-level values (entered once above the 清册); BadInputError naming each
        wrong one (nothing stored then). Blank values are dropped."""
        values: dict[str, str] = {}
        problems: list[str] = []
        with self.store.session() as session:
            plist = self._locked(session)
            ctx = self.context(session, plist)
            for field in self.spec.list_level:
                value = raw.get(field.key)
                if is_blank(value):
                    continue
                try:
                    values[field.key] = check_field(field, value, values, ctx)
                except KnownError as exc:
                    problems.append(f"{field.label}：{exc.message}")
            if problems:
                raise BadInputError("；".join(problems))
            plist.list_values = values or None
            audit.record(
                session, "pending.list_values", unit_id=self.unit_id, business=self.spec.code
            )
        return values

    def recheck(self) -> list[RowView]:
        """Check every row again (the policy or the roster may have changed); store the marks.

        With a `centre_check` (online), rows the centre would refuse are marked too — asked
        before the write transaction, so no lock is held while the network answers.
        """
        key = self.spec.row_key
        centre: dict[str, str] = {}
        if self.centre_check is not None and key:
            centre = self.centre_check([str(r.values.get(key) or "") for r in self.rows()])
        with self.store.session() as session:
            plist = self._open_list(session)
            ctx = self.context(session, plist)
            rows = self._live_rows(session, plist)
            for row in rows:
                errors = dict(check_row(self.spec, row.data, ctx, row_id=row.id).errors)
                found = centre.get(str(row.data.get(key or "") or "").upper()) if key else None
                if found and key and key not in errors:
                    errors[key] = found
                row.errors = errors or None
            return [row_view(r) for r in rows]
