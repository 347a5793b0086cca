"""个人账户启封 (seed §4): a 封存 account contributes again, on a new base where the policy asks."""

from __future__ import annotations

from decimal import Decimal

from app.services.businesses.account_change import derive_month, month_field, reason_field
from app.services.engine.person import person_fields
from app.services.engine.spec import (
    BusinessSpec,
    FieldKind,
    FieldSpec,
    Precondition,
    RowContext,
)
from app.services.rules.contribution import compute_contribution

REASON = reason_field("启封原因", lambda policy: policy.unseal_reasons)
MONTH = month_field("启封年月")
BASE = FieldSpec(
    "base",
    "缴存基数",
    FieldKind.MONEY,
    auto=True,
    aliases=("启封后缴存基数",),
    note="默认原缴存基数",
)
MONTHLY = FieldSpec("monthly_amount", "月缴存额", FieldKind.MONEY, derived=True)
NO_RATIO = "尚未取得本单位的缴存比例：登录中心服务器后自动取得"


def _amount(values: dict[str, str], ctx: RowContext, errors: dict[str, str]) -> None:
    """The base after unsealing (the old one by default), checked and turned into 月缴存额."""
    if not ctx.policy.unseal_asks_base:
        values["base"] = values["monthly_amount"] = ""
        return
    person = ctx.roster.find_account(values.get("account_no", ""))
    if person is None or "base" in errors:
        return
    if not values.get("base"):
        if person.base is None:
            errors["base"] = "名册中没有该职工的缴存基数，请填写启封后的缴存基数"
            return
        values["base"] = f"{person.base:.2f}"
    unit_ratio = person.unit_ratio or ctx.unit.unit_ratio
    personal_ratio = person.personal_ratio or ctx.unit.personal_ratio
    if unit_ratio is None or personal_ratio is None:
        errors["base"] = NO_RATIO
        return
    result = compute_contribution(Decimal(values["base"]), unit_ratio, personal_ratio, ctx.policy)
    values["monthly_amount"] = f"{result.total:.2f}"
    for problem in result.problems_by_part.values():
        errors.setdefault("base", problem)  # fixed by changing the base: say it beside it


def derive(values: dict[str, str], ctx: RowContext, errors: dict[str, str]) -> None:
    derive_month(MONTH.label, values, ctx, errors)
    if not errors:
        _amount(values, ctx, errors)


SPEC = BusinessSpec(
    code="unseal",
    name="个人账户启封",
    list_name="待启封清册",
    fields=(*person_fields(), REASON, MONTH, BASE, MONTHLY),
    derive=derive,
    precondition=Precondition(
        ("封存",), "{name}的账户状态为“{status}”，只有状态为“封存”的账户才能启封"
    ),
    conflicts=("seal",),
    list_level=(REASON, MONTH),
    totals=("base", "monthly_amount"),
    template_title="个人账户批量启封模版",
    centre_row_checks=True,
)
