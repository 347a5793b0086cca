"""Checking a whole row against its business: person, fields, derived values, duplicates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.errors import KnownError
from app.services.engine.fields import check_field, is_blank
from app.services.engine.person import check_person
from app.services.engine.spec import BusinessSpec, FieldKind, FieldSpec, RowCheck, RowContext

# Per field, how many distinct texts a checker remembers: a file's 学历, 证件类型, dates and
# bases repeat, its names, mobiles and IDs hardly; past this the rest are checked as they come.
REMEMBERED_PER_FIELD = 4096


def check_row(
    spec: BusinessSpec, raw: Mapping[str, Any], ctx: RowContext, *, row_id: int | None = None
) -> RowCheck:
    """Every problem of the row at once; `row_id` is the row being edited (no self-duplicate)."""
    return RowChecker(spec, ctx, remember=False).check(raw, row_id=row_id)


class RowChecker:
    """`check_row` for many rows against one context (a file being imported).

    What depends only on the business and the context is looked up once, not per row: the
    fields to check, the list's values standing for blank cells. With `remember`, each distinct
    text of a field is converted once (the conversions are pure functions of the text and the
    context); an ID number, checked against its row's 证件类型, is always checked afresh.
    The verdicts are exactly `check_row`'s: it is this class, remembering nothing.
    """

    def __init__(self, spec: BusinessSpec, ctx: RowContext, *, remember: bool = True) -> None:
        self.spec = spec
        self.ctx = ctx
        plan = _plan(spec)
        defaults = {k: v for k, v in ctx.list_values.items() if not is_blank(v)}
        self._fields: Sequence[_Field] = (
            [
                (key, field, defaults.get(key), required, {} if remember and memo_ok else None)
                for key, field, required, memo_ok in (
                    (key, field, required, field.kind is not FieldKind.ID_NUMBER)
                    for key, field, _, required, _ in plan
                )
            ]
            if remember or defaults
            else plan
        )

    def check(self, raw: Mapping[str, Any], *, row_id: int | None = None) -> RowCheck:
        """The row's verdict, as `check_row` gives it."""
        spec, ctx = self.spec, self.ctx
        values: dict[str, str] = {}
        errors: dict[str, str] = {}
        if spec.person_bound:
            check_person(spec, raw, ctx, values, errors)
        for key, field, default, required, remembered in self._fields:
            value = raw.get(key)
            if value is None or value == "" or is_blank(value):
                value = default  # the list's value stands for a blank cell
                if value is None:
                    values[key] = ""
                    if required is not None:
                        errors[key] = required
                    continue
            if field.checked_with and field.checked_with in errors:
                # The 证件类型's own message stands at its own column; the number, not
                # checkable against a wrong type, says only that (not the type's message again).
                values[key] = str(value).strip()
                errors[key] = unchecked_message(spec, field)
                continue
            memo = remembered if type(value) is str else None
            known = memo.get(value) if memo is not None else None
            if known is None:
                known = self._convert(field, value, values)
                if memo is not None and len(memo) < REMEMBERED_PER_FIELD:
                    memo[value] = known
            values[key] = known[0]
            if known[1] is not None:
                errors[key] = known[1]
        if spec.derive is not None:
            spec.derive(values, ctx, errors)
        if spec.row_key not in errors:
            errors.update(duplicate_error(spec, values, ctx, row_id))
        return RowCheck(values=values, errors=errors)

    def _convert(
        self, field: FieldSpec, value: Any, values: dict[str, str]
    ) -> tuple[str, str | None]:
        """(normalised text, None), or (the value as typed, the message) when it is wrong."""
        try:
            return check_field(field, value, values, self.ctx), None
        except KnownError as exc:
            return str(value).strip(), exc.message


def unchecked_message(spec: BusinessSpec, field: FieldSpec) -> str:
    """What a field checked against another says when that other field is wrong."""
    other = spec.field(field.checked_with).label if field.checked_with else ""
    return f"{other}有误，无法校验{field.label}"


# (key, field, the list's value for a blank cell, "required" message, remembered texts)
_Field = tuple[str, FieldSpec, Any, str | None, dict[str, tuple[str, str | None]] | None]
_PLANS: dict[int, tuple[BusinessSpec, tuple[_Field, ...]]] = {}


def _plan(spec: BusinessSpec) -> tuple[_Field, ...]:
    """The fields a row's check converts, each with what it needs, made once per business."""
    found = _PLANS.get(id(spec))
    if found is None or found[0] is not spec:  # kept with its spec: the id is not reused
        fields = tuple(
            (
                field.key,
                field,
                None,
                f"请填写{field.label}" if field.required else None,
                None,
            )
            for field in spec.input_fields
            if field.kind is not FieldKind.PERSON
        )
        found = _PLANS[id(spec)] = (spec, fields)
    return found[1]


def duplicate_error(
    spec: BusinessSpec, values: Mapping[str, str], ctx: RowContext, row_id: int | None = None
) -> dict[str, str]:
    """The duplicate-row rule (the one copy): another live row of the list holds the same key."""
    key_field = spec.row_key
    key = str(values.get(key_field or "", "")).upper()
    holder = ctx.pending_keys.get(key) if key_field and key else None
    if key_field is None or holder is None or holder == row_id:
        return {}
    label = spec.field(key_field).label
    return {key_field: f"{label} {values[key_field]} 已在{spec.list_name}中"}
