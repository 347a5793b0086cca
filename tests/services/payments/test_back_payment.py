"""补缴核定: amounts month by month per rounding method across a base change, the range rules,
and the list's refusals (a month already back-paid, too far back, before 起缴年月, evidence)."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import update

from app.errors import BadInputError
from app.models import Attachment, OutboxItem, RosterPerson
from app.services.businesses.back_payment import BackPaymentLists
from app.services.context import AppServices
from app.services.engine.pending import RowInvalidError
from app.services.payments.back_payment import back_payment_amount, range_problems
from app.services.policy import CentrePolicy, load_default
from app.services.rules.rounding import RoundingMethod
from app.services.rules.yearmonth import YearMonth
from tests.ids import resident_id

TODAY = date(2026, 11, 26)
ZHANG = resident_id("41020419900101123")


def policy_with(rounding: RoundingMethod) -> CentrePolicy:
    return dataclasses.replace(load_default(), rounding=rounding)


def base_for(month: YearMonth) -> Decimal:
    """3333 until February 2026, 3456 from March (a base change)."""
    return Decimal("3333") if month < YearMonth(2026, 3) else Decimal("3456")


@pytest.mark.parametrize(
    ("rounding", "total"),
    [
        # per month and part: 3333 × 12% = 399.96, 3456 × 12% = 414.72; two parts a month;
        # January and February at 3333, March at 3456.
        (RoundingMethod.HALF_UP_FEN, "2429.28"),  # 2 × 799.92 + 829.44
        (RoundingMethod.HALF_UP_YUAN, "2430.00"),  # 2 × 800 + 830
        (RoundingMethod.DOWN_YUAN, "2424.00"),  # 2 × 798 + 828
        (RoundingMethod.DOWN_JIAO, "2429.00"),  # 2 × 799.80 + 829.40
    ],
)
def test_amounts_per_rounding_method_across_a_base_change(
    rounding: RoundingMethod, total: str
) -> None:
    amount = back_payment_amount(
        YearMonth(2026, 1),
        YearMonth(2026, 3),
        base_for,
        Decimal("0.12"),
        Decimal("0.12"),
        policy_with(rounding),
    )
    assert amount == Decimal(total)


NOV = YearMonth(2026, 11)


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (YearMonth(2026, 10), NOV, "end_month", "应早于当前月份 2026-11：只能补缴过去的月份"),
        (YearMonth(2023, 10), YearMonth(2023, 12), "start_month", "最多补缴 36 个月"),
        (YearMonth(2026, 5), YearMonth(2026, 4), "start_month", "晚于终止年月"),
        (YearMonth(2024, 1), YearMonth(2024, 3), "start_month", "早于该职工的起缴年月 2025-02"),
    ],
)  # fmt: skip
def test_range_refusals_name_the_field_and_why(
    start: YearMonth, end: YearMonth, field: str, message: str
) -> None:
    problems = range_problems(start, end, NOV, 36, started=YearMonth(2025, 2))
    assert message in problems[field]


@pytest.fixture
def back_payments(services: AppServices) -> BackPaymentLists:
    unit = services.units.add("100001", "开封示范科技有限公司")
    with services.store.session() as session:
        session.add(
            RosterPerson(
                unit_id=unit.id, account_no="10000100007", name="张三", id_number=ZHANG,
                status="正常", base=Decimal("5000"), unit_ratio=Decimal("0.12"),
                personal_ratio=Decimal("0.12"), opened_on=date(2025, 2, 10), paid_to="2026-10",
            )
        )  # fmt: skip
    return BackPaymentLists(
        services.store, unit.id, lambda: services.units.policy(unit.id), today=lambda: TODAY
    )


def row(**overrides: str) -> dict[str, str]:
    values = {
        "id_number": ZHANG,
        "reason": "漏缴",
        "start_month": "2026-01",
        "end_month": "2026-03",
    }
    return {**values, **overrides}


def test_a_row_names_the_person_and_proposes_the_amount(back_payments: BackPaymentLists) -> None:
    added = back_payments.add(row())
    assert added.values["name"] == "张三" and added.values["account_no"] == "10000100007"
    assert added.values["months"] == "3"
    assert added.values["amount"] == added.values["proposed_amount"] == "3600.00"  # 3 × 1200
    edited = back_payments.check(row(amount="3500"))
    assert edited.values["amount"] == "3500.00" and edited.values["proposed_amount"] == "3600.00"


def test_months_already_back_paid_are_refused_naming_the_submission(
    back_payments: BackPaymentLists, services: AppServices
) -> None:
    back_payments.add(row())
    with services.store.session() as session:
        session.add(
            Attachment(unit_id=back_payments.unit_id, business="back-payment", material="工资凭证",
                       list_id=back_payments.list_id(), path="/tmp/x.pdf", sha256="0" * 64,
                       size=1)
        )  # fmt: skip
    outbox_id = back_payments.submit()
    with services.store.session() as session:
        session.execute(
            update(OutboxItem).values(state="sent", server_id="9", review_state="审核通过")
        )
    with pytest.raises(RowInvalidError) as refused:
        back_payments.add(row(start_month="2026-03", end_month="2026-05"))
    assert refused.value.errors["start_month"] == (
        f"张三 的 2026-03–2026-03 已补缴（提交编号 {outbox_id}，状态：审核通过），"
        "同一月份不能重复补缴"
    )
    assert (
        back_payments.add(row(start_month="2026-04", end_month="2026-05")).values["months"] == "2"
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"start_month": "2026-11", "end_month": "2026-11"}, "只能补缴过去的月份"),
        ({"start_month": "2024-06", "end_month": "2024-08"}, "早于该职工的起缴年月 2025-02"),
        ({"start_month": "2023-01", "end_month": "2023-02"}, "超出可追溯范围"),
    ],
)
def test_refusals_through_the_list(
    back_payments: BackPaymentLists, overrides: dict[str, str], message: str
) -> None:
    with pytest.raises(RowInvalidError, match=message):
        back_payments.add(row(**overrides))


def test_an_amount_above_the_threshold_needs_the_evidence_material(
    back_payments: BackPaymentLists,
) -> None:
    back_payments.add(row(start_month="2025-03", end_month="2026-01"))  # 11 × 1200 = 13200
    assert back_payments.missing_materials() == ["工资凭证", "补缴情况说明"]
    with pytest.raises(BadInputError, match="超过 10000.00 元的，须上传影像资料：补缴情况说明"):
        back_payments.submit()
