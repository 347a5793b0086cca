"""汇缴核定 over the real local store: the proposed month, 保存/提交, one per month, offline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import update

from app.errors import BadInputError
from app.models import OutboxItem, Unit
from app.services.context import AppServices
from app.services.payments.assessment import RemittanceAssessments
from tests.services.payments.fakes import FakeCentre, seed_unit

TODAY = date(2026, 11, 26)


@pytest.fixture
def centre() -> FakeCentre:
    return FakeCentre()


@pytest.fixture
def service(services: AppServices, centre: FakeCentre) -> RemittanceAssessments:
    unit_id = seed_unit(services)
    return RemittanceAssessments(
        services.store,
        unit_id,
        lambda: services.units.policy(unit_id),
        profile=lambda: services.units.profile(unit_id),
        centre=lambda: centre,
        today=lambda: TODAY,
    )


def approve_locally(services: AppServices, outbox_id: int) -> None:
    """What the sync stores when the centre approved the submission."""
    with services.store.session() as session:
        session.execute(
            update(OutboxItem)
            .where(OutboxItem.id == outbox_id)
            .values(state="sent", server_id="7", review_state="审核通过")
        )


def test_the_month_after_paid_to_is_proposed_with_the_centre_balance(
    service: RemittanceAssessments,
) -> None:
    figures = service.assess()
    assert str(figures.month) == "2026-10"
    assert figures.monthly_total == Decimal("1500.00")  # A + B; C is 封存
    assert figures.temporary_balance == Decimal("1286.40")
    assert figures.assessed_total == Decimal("213.60")
    assert figures.last_month is None  # the centre has no September assessment
    assert "中心没有 2026-09 的汇缴核定记录" in figures.needs_server[0]


def test_offline_the_roster_figures_stand_and_the_balance_is_said_to_need_the_centre(
    service: RemittanceAssessments, centre: FakeCentre
) -> None:
    centre.offline = True
    figures = service.assess()
    assert figures.monthly_total == Decimal("1500.00")
    assert figures.temporary_balance is None and figures.assessed_total is None
    assert any("暂存款余额须联网" in note for note in figures.needs_server)


def test_save_submit_and_a_second_assessment_of_the_month_is_refused_naming_the_first(
    service: RemittanceAssessments,
) -> None:
    service.save()
    rows = service.pending.rows()
    assert [(r.values["account_no"], r.values["amount"]) for r in rows] == [
        ("A", "1000.00"),
        ("B", "500.00"),
    ]
    outbox_id = service.submit()
    with pytest.raises(BadInputError) as refused:
        service.assess("2026-10")
    assert refused.value.message == (
        f"2026-10 的汇缴核定已提交（提交编号 {outbox_id}，状态：待上传），每月只能核定一次"
    )


def test_after_approval_the_next_month_is_proposed_with_last_month_behind_it(
    service: RemittanceAssessments, services: AppServices
) -> None:
    service.save()
    approve_locally(services, service.submit())
    figures = service.assess()
    assert str(figures.month) == "2026-11"
    data = figures.as_dict()
    assert data["last_month"] == {"count": 2, "amount": "1500.00"}
    assert data["increase"] == {"count": 0, "amount": "0.00"}


@pytest.mark.parametrize(
    ("month", "message"),
    [("2026-12", "不能核定未来的月份"), ("2026-09", "已经核定过"), ("2026-11", "应先核定 2026-10")],
)
def test_refused_months_say_why(service: RemittanceAssessments, month: str, message: str) -> None:
    with pytest.raises(BadInputError, match=message):
        service.assess(month)


def test_with_no_paid_to_known_the_clerk_is_told_to_log_in(
    service: RemittanceAssessments, services: AppServices, centre: FakeCentre
) -> None:
    centre.offline = True
    with services.store.session() as session:
        session.get_one(Unit, service.unit_id).profile = {}
    with pytest.raises(BadInputError, match="请先登录中心服务器"):
        service.assess()
