"""汇缴核定 (seed §5): one month's paying people, one row each, assessed by a custom page.

The rows are made by `app.services.payments.assessment.RemittanceAssessments`, never typed:
each names the month, the person and the amount, so the centre can check every figure.
"""

from __future__ import annotations

from app.services.engine.spec import BusinessSpec, FieldKind, FieldSpec, RowContext

K = FieldKind

FIELDS = (
    FieldSpec("month", "核定月份", K.MONTH, required=True),
    FieldSpec("account_no", "个人账号", K.ACCOUNT_NO, required=True),
    FieldSpec("name", "姓名", K.TEXT, required=True),
    FieldSpec("base", "缴存基数", K.MONEY),
    FieldSpec("amount", "月缴存额", K.MONEY, required=True),
    FieldSpec("change", "本月增加", K.TEXT, note="开户或转入 / 启封；空为上月已缴"),
)


def derive(values: dict[str, str], ctx: RowContext, errors: dict[str, str]) -> None:
    """A paying person must still be in the unit's roster."""
    account = values.get("account_no")
    if account and "account_no" not in errors and account not in ctx.roster.by_account:
        errors["account_no"] = f"个人账号 {account} 不在本单位花名册中，请重新核定"


SPEC = BusinessSpec(
    code="remittance",
    name="汇缴核定",
    list_name="汇缴核定清单",
    fields=FIELDS,
    derive=derive,
    unique_key="account_no",
    totals=("amount",),
)
