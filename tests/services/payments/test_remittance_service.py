"""汇缴核定 over the real local store: the proposed month, 保存/提交, one per month, offline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import update

from app.errors import BadInputError, OfflineError
from app.models import OutboxItem, RosterPerson, Unit
from app.services.api.models import UnitProfile
from app.services.context import AppServices
from app.services.payments.assessment import RemittanceAssessments

TODAY = date(2026, 11, 26)


class FakeCentre:
    """The centre's two answers the assessment needs; `offline` makes every call fail."""

    def __init__(self, balance: str = "1286.40", paid_to: str = "2026-09") -> None:
        self.balance, self.paid_to = balance, paid_to
        self.offline = False
        self.records: list[dict[str, Any]] = []

    def unit_profile(self) -> UnitProfile:
        if self.offline:
            raise OfflineError("无法连接中心服务器")
        return UnitProfile(
            "100001", "开封示范", "开封市住房公积金管理中心", Decimal("0.12"), Decimal("0.12"),
            self.paid_to, Decimal(self.balance), {},
        )  # fmt: skip

    def remittances(self, month: str | None = None) -> list[dict[str, Any]]:
        return [r for r in self.records if r["month"] == month]

    def close(self) -> None:
        pass


def _person(unit_id: int, account: str, status: str, paid_to: str, amount: str) -> RosterPerson:
    return RosterPerson(
        unit_id=unit_id, account_no=account, name=f"职工{account}", id_number=f"4102{account}",
        status=status, base=Decimal(amount) * 4, unit_ratio=Decimal("0.125"),
        personal_ratio=Decimal("0.125"), monthly_amount=Decimal(amount), paid_to=paid_to,
    )  # fmt: skip


@pytest.fixture
def centre() -> FakeCentre:
    return FakeCentre()


@pytest.fixture
def service(services: AppServices, centre: FakeCentre) -> RemittanceAssessments:
    unit = services.units.add("100001", "开封示范科技有限公司")
    with services.store.session() as session:
        session.get_one(Unit, unit.id).profile = {"paid_to": "2026-09", "unit_ratio": "0.12"}
        session.add_all(
            [
                _person(unit.id, "A", "正常", "2026-09", "1000.00"),
                _person(unit.id, "B", "正常", "2026-09", "500.00"),
                _person(unit.id, "C", "封存", "2025-03", "800.00"),
            ]
        )
    return RemittanceAssessments(
        services.store,
        unit.id,
        lambda: services.units.policy(unit.id),
        profile=lambda: services.units.profile(unit.id),
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
