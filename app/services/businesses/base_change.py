"""缴存基数调整 (seed §8): each listed employee's new base from an effective month.

Rows come from the exported file the clerk edited (app/services/adjustments), one per person,
with the ratios that will be in force stored on the row; the rules here check a row again
whenever the list is checked (before 全部提交): the person still pays in this unit, the
amounts follow from base and ratios by the centre's rounding, within the policy's limits.
"""

from __future__ import annotations

from decimal import Decimal

from app.services.businesses.amounts import fill_amounts
from app.services.engine.spec import BusinessSpec, FieldKind, FieldSpec, RosterEntry, RowContext
from app.services.policy import CentrePolicy
from app.services.rules.contribution import total_for_base

K = FieldKind
PAYING = "正常"
AMOUNT_INPUTS = ("base", "unit_ratio", "personal_ratio")
AMOUNTS = ("unit_amount", "personal_amount", "monthly_amount")
MEMO_LIMIT = 65_536
Amounts = tuple[dict[str, str], dict[str, str]]  # the three amounts, the limits' complaints
# The amounts of each distinct (base, ratios) under one policy: a workforce shares a few
# thousand bases, and the whole file is checked at once. Replaced whole (one assignment) when
# the policy object changes, so a worker holding the old pair never writes into the new one.
_memo: tuple[CentrePolicy | None, dict[tuple[str, str, str], Amounts]] = (None, {})

FIELDS = (
    FieldSpec("account_no", "个人账号", K.ACCOUNT_NO, required=True),
    FieldSpec("name", "姓名", K.TEXT, required=True),
    FieldSpec("id_number", "证件号码", K.TEXT, in_list=False),
    FieldSpec("effective_month", "调整年月", K.MONTH, required=True, in_list=False),
    FieldSpec("old_base", "原缴存基数", K.MONEY, derived=True),
    FieldSpec("old_monthly_amount", "原月缴存额", K.MONEY, derived=True),
    FieldSpec("base", "调整后缴存基数", K.MONEY, required=True),
    FieldSpec("unit_ratio", "单位缴存比例", K.RATIO, required=True, in_list=False),
    FieldSpec("personal_ratio", "个人缴存比例", K.RATIO, required=True, in_list=False),
    FieldSpec("unit_amount", "单位月缴存额", K.MONEY, derived=True, in_list=False),
    FieldSpec("personal_amount", "个人月缴存额", K.MONEY, derived=True, in_list=False),
    FieldSpec("monthly_amount", "调整后月缴存额", K.MONEY, derived=True),
)


def old_total(person: RosterEntry, ctx: RowContext) -> Decimal:
    """The person's 月缴存额 now: the roster's figure, else computed from base and ratios."""
    if person.monthly_amount is not None:
        return Decimal(person.monthly_amount)
    if person.base is None or person.unit_ratio is None or person.personal_ratio is None:
        return Decimal(0)
    return total_for_base(
        Decimal(person.base),
        Decimal(person.unit_ratio),
        Decimal(person.personal_ratio),
        ctx.policy.rounding,
    )


def _person(values: dict[str, str], ctx: RowContext, errors: dict[str, str]) -> None:
    person = ctx.roster.by_account.get(values.get("account_no", ""))
    if person is None:
        if "account_no" not in errors and values.get("account_no"):
            errors["account_no"] = f"个人账号 {values['account_no']} 不在本单位花名册中"
        return
    if person.status != PAYING:
        errors["account_no"] = f"{person.name}的账户状态为{person.status}，只能调整正常缴存的职工"
    if values.get("name") and values["name"] != person.name:
        errors["name"] = f"姓名与花名册不符（个人账号 {person.account_no} 为 {person.name}）"
    values["old_base"] = "" if person.base is None else f"{Decimal(person.base):.2f}"
    values["old_monthly_amount"] = f"{old_total(person, ctx):.2f}"


def _amounts(values: dict[str, str], ctx: RowContext, errors: dict[str, str]) -> None:
    """`fill_amounts`, remembered per distinct base and ratios under this policy."""
    global _memo
    key = (values.get("base", ""), values.get("unit_ratio", ""), values.get("personal_ratio", ""))
    if not all(key) or any(k in errors for k in AMOUNT_INPUTS):
        fill_amounts(values, ctx, errors)
        return
    policy, table = _memo
    if policy is not ctx.policy or len(table) >= MEMO_LIMIT:
        table = {}
        _memo = (ctx.policy, table)
    found = table.get(key)
    if found is None:
        probe = dict(zip(AMOUNT_INPUTS, key, strict=True))
        complaints: dict[str, str] = {}
        fill_amounts(probe, ctx, complaints)
        found = table[key] = ({k: probe[k] for k in AMOUNTS if k in probe}, complaints)
    values.update(found[0])
    for part, problem in found[1].items():
        errors.setdefault(part, problem)


def derive(values: dict[str, str], ctx: RowContext, errors: dict[str, str]) -> None:
    _person(values, ctx, errors)
    _amounts(values, ctx, errors)


SPEC = BusinessSpec(
    code="base-change",
    name="缴存基数调整",
    list_name="待提交的基数调整清册",
    fields=FIELDS,
    derive=derive,
    unique_key="account_no",
    totals=("old_base", "base", "old_monthly_amount", "monthly_amount"),
)
