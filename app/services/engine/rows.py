"""Checking a whole row against its business: person, fields, derived values, duplicates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.errors import KnownError
from app.services.engine.fields import check_field, is_blank
from app.services.engine.person import check_person
from app.services.engine.spec import BusinessSpec, FieldKind, RowCheck, RowContext


def check_row(
    spec: BusinessSpec, raw: Mapping[str, Any], ctx: RowContext, *, row_id: int | None = None
) -> RowCheck:
    """Every problem of the row at once; `row_id` is the row being edited (no self-duplicate)."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    if spec.person_bound:
        check_person(spec, raw, ctx, values, errors)
    for field in spec.input_fields:
        if field.kind is FieldKind.PERSON:
            continue
        value = raw.get(field.key)
        if is_blank(value):
            value = ctx.list_values.get(field.key)  # the list's value stands for a blank cell
        if is_blank(value):
            values[field.key] = ""
            if field.required:
                errors[field.key] = f"请填写{field.label}"
            continue
        try:
            values[field.key] = check_field(field, value, values, ctx)
        except KnownError as exc:
            values[field.key] = str(value).strip()
            errors[field.key] = exc.message
    if spec.derive is not None:
        spec.derive(values, ctx, errors)
    if spec.row_key not in errors:
        errors.update(duplicate_error(spec, values, ctx, row_id))
    return RowCheck(values=values, errors=errors)


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
