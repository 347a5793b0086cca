"""汇缴核定 end to end against fundserver (in a thread on loopback, real HTTP and database):
assess → 提交 → sent → the reviewer approves → 缴至年月 advanced, 暂存款 used, the next month
proposed with last month behind it; and `gjj-desk assess remittance --json` as a caller sees it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app.cli import run
from app.services.context import AppServices
from app.services.outbox import OutboxSync
from app.services.payments.assessment import RemittanceAssessments
from app.services.session import CentreSession, profile_dict
from fundserver import review
from fundserver.app import create_app
from fundserver.db import Person, Submission, Unit, make_engine, make_sessionmaker
from fundserver.demo import DemoCredentials, seed_demo
from tests.services.api.live_server import serving

pytestmark = pytest.mark.e2e

CENTRE_TODAY = date(2026, 10, 5)  # the demo unit is paid to 2026-09
CLERK_TODAY = date(2026, 11, 26)


@pytest.fixture
def centre(tmp_path: Path) -> Iterator[tuple[FastAPI, str]]:
    url = f"sqlite:///{tmp_path / 'centre.db'}"
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        seed_demo(session, today=CENTRE_TODAY)
    engine.dispose()
    app = create_app(url)
    with serving(app) as base_url:
        yield app, base_url
    app.state.engine.dispose()


def centre_unit(app: FastAPI) -> tuple[str, Decimal, int]:
    """The demo unit's 缴至年月, 暂存款余额 and how many people are paid to 2026-10."""
    with make_sessionmaker(app.state.engine)() as session:
        unit = session.scalars(select(Unit).where(Unit.unit_code == "100001")).one()
        paid = session.scalars(
            select(Person).where(Person.unit_id == unit.id, Person.paid_to == "2026-10")
        ).all()
        return unit.paid_to, unit.suspense_balance, len(paid)


def test_remittance_assessed_submitted_approved_and_the_next_month_follows(
    services: AppServices, centre: tuple[FastAPI, str], demo_credentials: DemoCredentials
) -> None:
    app, url = centre
    session = CentreSession(services)
    unit = session.login(url, demo_credentials.unit_code, demo_credentials.password).unit
    outbox = OutboxSync(services.store, unit.id, lambda: session.client(unit))
    outbox.pull_roster()
    assessments = RemittanceAssessments(
        services.store,
        unit.id,
        lambda: services.units.policy(unit.id),
        profile=lambda: services.units.profile(unit.id),
        keep_profile=lambda p: services.units.cache_profile(unit.id, profile_dict(p)),
        centre=lambda: session.client(unit),
        today=lambda: CLERK_TODAY,
    )

    october = assessments.save()
    assert str(october.month) == "2026-10"
    assert len(october.people) == 37  # 40 people, 3 of them 封存
    assert october.temporary_balance == Decimal("1286.40")
    assert october.assessed_total == october.monthly_total - Decimal("1286.40")
    assessments.submit()
    assert outbox.sync().run.sent == 1
    with make_sessionmaker(app.state.engine)() as db:
        server_id = db.scalars(select(Submission.id)).one()
        approved = review.approve(db, server_id)
        assert approved.result is not None
        assert approved.result["suspense_used"] == "1286.40"

    assert centre_unit(app) == ("2026-10", Decimal("0.00"), 37)
    report = outbox.sync()
    assert report.reviews_updated == 1 and report.roster is not None

    november = assessments.assess()
    assert str(november.month) == "2026-11"
    assert november.temporary_balance == Decimal("0.00")  # used up by October
    assert november.assessed_total == november.monthly_total
    data = november.as_dict()
    assert data["last_month"] == {"count": 37, "amount": f"{october.monthly_total:.2f}"}
    assert data["increase"] == {"count": 0, "amount": "0.00"}
    assert services.units.profile(unit.id)["paid_to"] == "2026-10"  # the profile followed


def test_assess_remittance_json_gives_every_figure(
    centre: tuple[FastAPI, str],
    demo_credentials: DemoCredentials,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _app, url = centre
    monkeypatch.setenv("GJJ_DESK_PASSWORD", demo_credentials.password)
    assert run(["login", "--server", url, "--unit", demo_credentials.unit_code]) == 0
    assert run(["roster", "sync"]) == 0
    capsys.readouterr()
    assert run(["assess", "remittance", "--json"]) == 0
    said = json.loads(capsys.readouterr().out)
    keys = {"month", "monthly_total", "temporary_balance", "assessed_total", "people"}
    assert keys | {"last_month", "increase", "decrease"} <= set(said)
    assert said["month"] == "2026-10" and said["temporary_balance"] == "1286.40"
    total = sum(Decimal(p["amount"]) for p in said["people"])
    assert Decimal(said["monthly_total"]) == total and len(said["people"]) == 37
    assert Decimal(said["assessed_total"]) == total - Decimal("1286.40")
    assert said["saved"] is True

    assert run(["submit", "remittance"]) == 0
    capsys.readouterr()
    assert run(["assess", "remittance", "--month", "2026-10"]) == 1
    assert "2026-10 的汇缴核定已提交" in capsys.readouterr().err
