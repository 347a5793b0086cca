"""补缴核定 (seed §6): a person, a reason, a range of past months and the amount, in a list.

The person is named by 证件号码 and resolved in the cached roster. Engine's PERSON field kind
(any of 姓名 / 个人账号 / 证件号码) replaces it by changing `PERSON_FIELD` alone.
`BackPaymentLists` gives the rules what the row alone cannot know: each person's 起缴年月 and
the months already back-paid (queued, pending or approved), and asks for the evidence
material when an amount is above the policy's threshold.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import OutboxItem, PendingList, RosterPerson
from app.services.engine import states
from app.services.engine.extra_material import ExtraMaterialLists, lists_of
from app.services.engine.spec import BusinessSpec, FieldKind, FieldSpec, RowContext
from app.services.engine.states import SubmissionState
from app.services.payments.back_payment import back_payment_amount, range_problems
from app.services.policy import CentrePolicy
from app.services.rules.yearmonth import YearMonth
from app.services.store import Store

K = FieldKind
CODE = "back-payment"
PERSON_FIELD = FieldSpec(
    "id_number", "证件号码", K.ID_NUMBER, required=True, aliases=("身份证号", "身份证号码")
)
FROM_ROSTER = "按证件号码从职工名册填写"  # what the form's read-only field says it holds
FIELDS = (
    PERSON_FIELD,
    FieldSpec("name", "姓名", K.TEXT, derived=True, note=FROM_ROSTER),
    FieldSpec("account_no", "个人账号", K.ACCOUNT_NO, derived=True, note=FROM_ROSTER),
    FieldSpec(
        "reason", "补缴原因", K.CHOICE, required=True, choices_from=lambda p: p.backpay_reasons
    ),
    FieldSpec("start_month", "起始年月", K.MONTH, required=True, aliases=("补缴起始年月",)),
    FieldSpec("end_month", "终止年月", K.MONTH, required=True, aliases=("补缴终止年月",)),
    FieldSpec("months", "月数", K.TEXT, derived=True),
    FieldSpec("base", "缴存基数", K.MONEY, derived=True),
    FieldSpec("proposed_amount", "应补金额", K.MONEY, derived=True),
    FieldSpec("amount", "补缴金额", K.MONEY, auto=True, note="默认按缴存基数、比例和舍入逐月计算"),
)
SUPERSEDED = (SubmissionState.REJECTED, SubmissionState.REOPENED, SubmissionState.RESUBMITTED)


@dataclass(frozen=True)
class Claim:
    """Months of a person already back-paid by a submission."""

    start: YearMonth
    end: YearMonth
    outbox_id: int
    state: SubmissionState


@dataclass
class BackPaymentContext(RowContext):
    claims: dict[str, list[Claim]] = field(default_factory=dict)  # 个人账号 → claims
    started: dict[str, YearMonth] = field(default_factory=dict)  # 个人账号 → 起缴年月


def _range(values: dict[str, str], ctx: RowContext, errors: dict[str, str], account: str) -> None:
    if any(k in errors or not values.get(k) for k in ("start_month", "end_month")):
        return
    start, end = YearMonth.parse(values["start_month"]), YearMonth.parse(values["end_month"])
    extra = ctx if isinstance(ctx, BackPaymentContext) else None
    started = extra.started.get(account) if extra else None
    found = range_problems(
        start, end, YearMonth.today(ctx.today), ctx.policy.backpay_max_months_back, started
    )
    for key, message in found.items():
        errors.setdefault(key, message)
    for claim in extra.claims.get(account, []) if extra else []:
        if claim.start <= end and start <= claim.end:
            errors.setdefault(
                "start_month",
                f"{values['name']} 的 {max(start, claim.start)}–{min(end, claim.end)} 已补缴"
                f"（提交编号 {claim.outbox_id}，状态：{claim.state.label}），同一月份不能重复补缴",
            )
    values["months"] = str(max(end - start + 1, 0))


def derive(values: dict[str, str], ctx: RowContext, errors: dict[str, str]) -> None:
    """The person from the roster, the months checked, the amount proposed month by month."""
    if "id_number" in errors or not values.get("id_number"):
        return
    person = ctx.roster.find_id(values["id_number"])
    if person is None:
        errors["id_number"] = "本单位花名册中没有此证件号码的职工（可先同步花名册）"
        return
    values["name"], values["account_no"] = person.name, person.account_no
    _range(values, ctx, errors, person.account_no)
    if person.base is None or person.unit_ratio is None or person.personal_ratio is None:
        return
    base = Decimal(person.base)
    values["base"] = f"{base:.2f}"
    if "start_month" in errors or "end_month" in errors or not values.get("months"):
        return
    proposed = back_payment_amount(
        YearMonth.parse(values["start_month"]),
        YearMonth.parse(values["end_month"]),
        lambda _month: base,  # the roster knows today's base only
        Decimal(person.unit_ratio),
        Decimal(person.personal_ratio),
        ctx.policy,
    )
    values["proposed_amount"] = f"{proposed:.2f}"
    if not values.get("amount") and "amount" not in errors:
        values["amount"] = values["proposed_amount"]


def evidence_material(policy: CentrePolicy) -> str | None:
    """The material that backs a large 补缴: 补缴情况说明, else the first optional one."""
    materials = policy.materials_for(CODE)
    names = [m.name for m in materials]
    if "补缴情况说明" in names:
        return "补缴情况说明"
    optional = [m.name for m in materials if not m.required]
    return optional[0] if optional else None


class BackPaymentLists(ExtraMaterialLists):
    """The 待补缴清册, its rules knowing 起缴年月 and the months already back-paid."""

    def __init__(
        self,
        store: Store,
        unit_id: int,
        policy: Callable[[], CentrePolicy],
        today: Callable[[], date] = date.today,
        **options: Any,  # BusinessList's keyword arguments (centre_check, centre_fill)
    ) -> None:
        super().__init__(store, SPEC, unit_id, policy, today, **options)

    def context(self, session: Session, plist: PendingList | None = None) -> RowContext:
        base = super().context(session, plist)
        claims: dict[str, list[Claim]] = {}
        items = session.scalars(
            select(OutboxItem).where(
                OutboxItem.unit_id == self.unit_id, OutboxItem.business == CODE
            )
        )
        for item in items:
            state = states.current(item.state, item.review_state)
            if state in SUPERSEDED:
                continue
            for row in item.rows:
                claims.setdefault(str(row.get("account_no")), []).append(
                    Claim(
                        YearMonth.parse(row["start_month"]),
                        YearMonth.parse(row["end_month"]),
                        item.id,
                        state,
                    )
                )
        opened = session.execute(
            select(RosterPerson.account_no, RosterPerson.opened_on).where(
                RosterPerson.unit_id == self.unit_id, RosterPerson.opened_on.is_not(None)
            )
        )
        started = {a: YearMonth.from_date(day) for a, day in opened if day is not None}
        fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(RowContext)}
        return BackPaymentContext(**fields, claims=claims, started=started)

    def extra_material(self) -> str | None:
        """The evidence, while a row's amount is above the policy's threshold."""
        policy = self._policy()
        threshold = policy.backpay_evidence_threshold
        material = evidence_material(policy)
        if threshold is None or material is None:
            return None
        over = [
            r
            for r in self.rows()
            if not r.deleted and Decimal(r.values.get("amount") or 0) > threshold
        ]
        return material if over else None

    def extra_refusal(self, material: str) -> str:
        threshold = self._policy().backpay_evidence_threshold
        return f"补缴金额超过 {threshold} 元的，须上传影像资料：{material}"


SPEC = BusinessSpec(
    code=CODE,
    name="补缴核定",
    list_name="待补缴清册",
    fields=FIELDS,
    derive=derive,
    unique_key="id_number",  # one row per person; a range covers their months
    totals=("amount",),
    template_title="补缴核定模版",
    lists=lists_of(BackPaymentLists),
)
