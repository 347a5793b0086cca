"""个人账户封存 (seed §3): a 正常 account stops contributing (离职, 停薪留职 …) from a month on."""

from __future__ import annotations

from app.services.businesses.account_change import derive_month, month_field, reason_field
from app.services.engine.person import person_fields
from app.services.engine.spec import BusinessSpec, Precondition, RowContext

REASON = reason_field("封存原因", lambda policy: policy.seal_reasons)
MONTH = month_field("封存年月")


def derive(values: dict[str, str], ctx: RowContext, errors: dict[str, str]) -> None:
    derive_month(MONTH.label, values, ctx, errors)


SPEC = BusinessSpec(
    code="seal",
    name="个人账户封存",
    list_name="待封存清册",
    fields=(*person_fields(), REASON, MONTH),
    derive=derive,
    precondition=Precondition(
        ("正常",), "{name}的账户状态为“{status}”，只有状态为“正常”的账户才能封存"
    ),
    conflicts=("unseal",),
    list_level=(REASON, MONTH),
    template_title="个人账户批量封存模版",
    centre_row_checks=True,
)
