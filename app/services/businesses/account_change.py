"""What 封存 and 启封 share: the person, a reason from the policy, the month it takes effect."""

from __future__ import annotations

from collections.abc import Callable

from app.services.engine.spec import FieldKind, FieldSpec, RowContext
from app.services.policy import CentrePolicy
from app.services.rules.yearmonth import YearMonth


def reason_field(label: str, reasons: Callable[[CentrePolicy], tuple[str, ...]]) -> FieldSpec:
    return FieldSpec(
        "reason", label, FieldKind.CHOICE, required=True, choices_from=reasons, in_list=True
    )


def month_field(label: str) -> FieldSpec:
    return FieldSpec("month", label, FieldKind.MONTH, auto=True, note="默认本月")


def month_window(ctx: RowContext) -> tuple[YearMonth, YearMonth]:
    """The first and last month a change may take effect in, by the centre's policy."""
    this = YearMonth.today(ctx.today)
    return this - ctx.policy.change_months_back, this + ctx.policy.change_months_ahead


def derive_month(
    label: str, values: dict[str, str], ctx: RowContext, errors: dict[str, str]
) -> None:
    """This month when left blank; otherwise inside the policy's window."""
    if "month" in errors:
        return
    first, last = month_window(ctx)
    if not values.get("month"):
        values["month"] = str(YearMonth.today(ctx.today))
        return
    month = YearMonth.parse(values["month"])
    if not first <= month <= last:
        span = str(first) if first == last else f"{first} 至 {last}"
        errors["month"] = f"{label}应在 {span} 之间（中心规定），“{month}”不在其中"
