"""单位/个人/月缴存额 of a row from its 缴存基数 and ratios (the businesses that set a base)."""

from __future__ import annotations

from decimal import Decimal

from app.services.engine.spec import RowContext
from app.services.rules.contribution import compute_contribution

_INPUTS = frozenset({"base", "unit_ratio", "personal_ratio"})


def fill_amounts(values: dict[str, str], ctx: RowContext, errors: dict[str, str]) -> None:
    """Compute the three amounts with the centre's rounding once base and ratios are good."""
    base, unit, personal = (
        values.get("base"),
        values.get("unit_ratio"),
        values.get("personal_ratio"),
    )
    if not (base and unit and personal) or not _INPUTS.isdisjoint(errors):
        return
    result = compute_contribution(Decimal(base), Decimal(unit), Decimal(personal), ctx.policy)
    values["unit_amount"] = f"{result.unit_amount:.2f}"
    values["personal_amount"] = f"{result.personal_amount:.2f}"
    values["monthly_amount"] = f"{result.total:.2f}"
    for part, problem in result.problems_by_part.items():
        # The total is fixed by changing the base (or a ratio): say it beside the base.
        errors.setdefault("base" if part == "total" else part, problem)
