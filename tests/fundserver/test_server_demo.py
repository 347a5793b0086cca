"""The demo centre: valid IDs, realistic data, deterministic."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.cn import ric

from fundserver.db import Person, Unit, make_engine, make_sessionmaker
from fundserver.demo import DEMO_UNIT_CODE, REGIONS, SHARED_NAME, seed_demo


def gb11643_check_digit(body: str) -> str:
    """The check digit by the standard's own formula, independent of stdnum."""
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(body))
    return "10X98765432"[total % 11]


def test_every_id_is_a_valid_henan_number(sessions: Session) -> None:
    people = list(sessions.scalars(select(Person)))
    assert len(people) == 118
    for person in people:
        number = person.id_number
        assert len(number) == 18 and number[:6] in REGIONS
        assert ric.calc_check_digit(number) == number[17]  # stdnum ignores the last char
        assert gb11643_check_digit(number[:17]) == number[17]
        assert person.birth_date == date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        assert person.sex == ("男" if int(number[16]) % 2 else "女")
    assert len({p.id_number for p in people}) == len(people)


def test_bases_ratios_and_statuses(sessions: Session) -> None:
    people = list(sessions.scalars(select(Person)))
    assert all(Decimal(1900) <= p.base <= Decimal(15000) for p in people)
    assert {(p.unit_ratio, p.personal_ratio) for p in people} == {
        (Decimal("0.12"), Decimal("0.12")),
        (Decimal("0.10"), Decimal("0.10")),
    }
    by_unit = Counter(
        (code, p.status)
        for p, code in sessions.execute(select(Person, Unit.unit_code).join(Unit)).all()
    )
    assert by_unit[("100002", "封存")] == 8
    names = Counter(p.name for p in people if p.account_no.startswith(DEMO_UNIT_CODE))
    assert names[SHARED_NAME] >= 2


def test_seed_is_deterministic_and_idempotent(tmp_path: object) -> None:
    def people(url: str) -> list[tuple[str, str, str]]:
        engine = make_engine(url)
        with make_sessionmaker(engine)() as session:
            assert seed_demo(session, today=date(2025, 6, 1))
            assert not seed_demo(session, today=date(2025, 6, 1))
            rows = [(p.account_no, p.name, p.id_number) for p in session.scalars(select(Person))]
        engine.dispose()
        return rows

    assert people("sqlite://") == people("sqlite://")


def test_the_clients_demo_login_is_the_one_the_demo_centre_seeds() -> None:
    # The client names the demo login without importing fundserver outside demo mode.
    from app.services import demo as client_demo
    from fundserver import demo as centre_demo

    assert (client_demo.DEMO_UNIT_CODE, client_demo.DEMO_PASSWORD) == (
        centre_demo.DEMO_UNIT_CODE,
        centre_demo.DEMO_PASSWORD,
    )
