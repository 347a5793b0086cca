"""Checking a whole row against its business: fields, derived values, duplicates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.errors import KnownError
from app.services.engine.fields import check_field, is_blank
from app.services.engine.spec import BusinessSpec, RowCheck, RowContext


def check_row(
    spec: BusinessSpec, raw: Mapping[str, Any], ctx: RowContext, *, row_id: int | None = None
) -> RowCheck:
    """Every problem of the row at once; `row_id` is the row being edited (no self-duplicate)."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for field in spec.input_fields:
        value = raw.get(field.key)
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
    if spec.unique_key and spec.unique_key not in errors:
        key = values.get(spec.unique_key, "").upper()
        holder = ctx.pending_keys.get(key) if key else None
        if holder is not None and holder != row_id:
            label = spec.field(spec.unique_key).label
            errors[spec.unique_key] = f"{label} {values[spec.unique_key]} 已在{spec.list_name}中"
    return RowCheck(values=values, errors=errors)
