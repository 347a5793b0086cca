"""Rows stored before they are complete (待补全), and completing them (issue 16).

A stack of ID cards gives each person's name, number, sex and birth date; 手机号码 and 缴存基数
come later. Such a row is an ordinary row of the 清册 whose only problems are required fields
left blank: it is stored with those marks (shown like any row with errors), so 全部提交 refuses
the list until they are filled — by 修改, or by a template import naming the same person
(`complete_rows`). Any other problem (a wrong value, the person already in the list) refuses
the row as `add` does. Nothing here is particular to one business.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from app.models import PendingRow
from app.services import audit
from app.services.engine.fields import is_blank
from app.services.engine.pending_edit import PendingEditing
from app.services.engine.pending_store import RowInvalidError, RowView, row_view
from app.services.engine.rows import RowChecker, check_row
from app.services.engine.spec import BusinessSpec, RowCheck, RowContext


def blank_required(spec: BusinessSpec, result: RowCheck) -> dict[str, str]:
    """The row's marks that are only "required, left blank" (what may be filled in later)."""
    required = {f.key for f in spec.input_fields if f.required}
    return {
        key: message
        for key, message in result.errors.items()
        if key in required and is_blank(result.values.get(key))
    }


def is_incomplete(spec: BusinessSpec, row: RowView) -> bool:
    """A stored row whose every mark is a required field still blank."""
    if not row.errors:
        return False
    required = {f.key for f in spec.input_fields if f.required}
    return all(k in required and is_blank(row.values.get(k)) for k in row.errors)


def merged(row: RowView, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The stored row with the non-blank values of `raw` over it (a template row completing it)."""
    values: dict[str, Any] = {k: v for k, v in row.values.items() if not is_blank(v)}
    values.update({k: v for k, v in raw.items() if not is_blank(v)})
    return values


def check_or_complete(
    spec: BusinessSpec,
    raw: Mapping[str, Any],
    ctx: RowContext,
    incomplete: Mapping[str, RowView],
    checker: RowChecker | None = None,
) -> tuple[RowCheck, int | None]:
    """A new row's check — or, when it names the person of a 待补全 row, the check of that row
    completed by it (so it is no duplicate) and the row's id. `checker`: one made for `spec`
    and `ctx` and kept for a whole file (an import), checking the new row the same way."""
    result = checker.check(raw) if checker is not None else check_row(spec, raw, ctx)
    holder = incomplete.get(str(result.values.get(spec.row_key or "", "")).upper())
    if holder is None:
        return result, None
    return check_row(spec, merged(holder, raw), ctx, row_id=holder.id), holder.id


class PendingIncomplete(PendingEditing):
    """Adding rows that still lack required values; completing them later."""

    def add_incomplete(self, rows: Iterable[tuple[Mapping[str, Any], str]]) -> list[RowView]:
        """Add rows whose only problems are blank required fields (kept as marks); all or none.

        RowInvalidError, with nothing stored, if any row has another problem.
        """
        key_field = self.spec.row_key
        with self.store.session() as session:
            plist = self._locked(session)
            ctx = self.context(session, plist)
            position = self._live_count(session, plist)
            added: list[PendingRow] = []
            for raw, source in rows:
                result = check_row(self.spec, raw, ctx)
                blanks = blank_required(self.spec, result)
                other = {k: v for k, v in result.errors.items() if k not in blanks}
                if other:
                    raise RowInvalidError(other)
                position += 1
                row = PendingRow(
                    list_id=plist.id,
                    position=position,
                    data=result.values,
                    errors=blanks or None,
                    source=source,
                )
                session.add(row)
                added.append(row)
                if key_field and result.values.get(key_field):
                    ctx.pending_keys[result.values[key_field].upper()] = -position
            session.flush()
            audit.record(
                session,
                "pending.add_incomplete",
                unit_id=self.unit_id,
                business=self.spec.code,
                count=len(added),
            )
            return [row_view(r) for r in added]

    def incomplete_rows(self) -> dict[str, RowView]:
        """The rows still 待补全, by their key (证件号码) in capitals."""
        key = self.spec.row_key
        if key is None:
            return {}
        return {
            str(r.values.get(key, "")).upper(): r
            for r in self.rows()
            if is_incomplete(self.spec, r) and r.values.get(key)
        }

    def complete_rows(
        self, updates: Sequence[tuple[int, Mapping[str, Any]]]
    ) -> list[tuple[RowView, RowView]]:
        """Fill incomplete rows (row id, the values to put over it) in one transaction.

        Each row must still be incomplete and pass every rule once merged; otherwise
        RowInvalidError and no row is changed. Returns (the row now, the row before) each.
        """
        done: list[tuple[RowView, RowView]] = []
        with self.store.session() as session:
            plist = self._locked(session)
            ctx = self.context(session, plist)
            for row_id, raw in updates:
                row = self._row(session, row_id)
                before = row_view(row)
                if not is_incomplete(self.spec, before):
                    raise RowInvalidError({self.spec.row_key or "": "该记录已补全或已修改"})
                result = check_row(self.spec, merged(before, raw), ctx, row_id=row_id)
                if not result.ok:
                    raise RowInvalidError(result.errors)
                row.data, row.errors = result.values, None
                done.append((row_view(row), before))
            audit.record(
                session,
                "pending.complete",
                unit_id=self.unit_id,
                business=self.spec.code,
                count=len(done),
            )
        return done

    def uncomplete(self, before: Sequence[RowView]) -> None:
        """Put completed rows back as they were (an import that failed after filling them)."""
        if not before:
            return
        with self.store.session() as session:
            self._locked(session)
            for view in before:
                row = session.get(PendingRow, view.id)
                if row is not None:
                    row.data, row.errors = dict(view.values), dict(view.errors) or None
