"""Approval effects of 汇缴核定 and 补缴核定, and GET /payments/remittances."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fs_helpers import API
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_server_submissions import submit

from fundserver.businesses.remittance import monthly_amount, paying_people
from fundserver.db import Person, Unit
from fundserver.review import ReviewError, approve

# The seeded centre: every unit paid to 2025-05.


def _unit(sessions: Session) -> Unit:
    return sessions.scalars(select(Unit).where(Unit.unit_code == "100001")).one()


def remittance_rows(sessions: Session, month: str) -> list[dict[str, Any]]:
    unit = _unit(sessions)
    return [
        {"month": month, "account_no": p.account_no, "name": p.name,
         "amount": f"{monthly_amount(p):.2f}"}
        for p in paying_people(sessions, unit, month)
    ]  # fmt: skip


def test_an_approved_remittance_moves_paid_to_and_uses_the_suspense(
    client: TestClient, auth: dict[str, str], sessions: Session
) -> None:
    rows = remittance_rows(sessions, "2025-06")
    total = sum(Decimal(r["amount"]) for r in rows)
    created = submit(client, auth, business="remittance", rows=rows).json()
    approved = approve(sessions, created["id"])
    assert approved.result == {
        "month": "2025-06", "people": 37, "monthly_total": f"{total:.2f}",
        "suspense_used": "1286.40", "assessed_total": f"{total - Decimal('1286.40'):.2f}",
        "paid_to": "2025-06", "suspense_balance": "0.00",
    }  # fmt: skip
    unit = _unit(sessions)
    assert (unit.paid_to, unit.suspense_balance) == ("2025-06", Decimal("0.00"))
    listed = client.get(f"{API}/payments/remittances", params={"month": "2025-06"}, headers=auth)
    [record] = listed.json()["items"]
    assert record["state"] == "审核通过" and len(record["people"]) == 37


def test_a_remittance_for_a_month_already_paid_or_unlike_the_records_is_refused(
    client: TestClient, auth: dict[str, str], sessions: Session
) -> None:
    paid = [{**r, "month": "2025-05"} for r in remittance_rows(sessions, "2025-06")]
    again = submit(client, auth, business="remittance", rows=paid)
    with pytest.raises(ReviewError, match="本单位已缴至 2025-05，只能核定 2025-06"):
        approve(sessions, again.json()["id"])
    rows = remittance_rows(sessions, "2025-06")
    rows[0]["amount"] = "1.00"
    wrong = submit(client, auth, business="remittance", rows=rows, key="wrong-amount")
    with pytest.raises(ReviewError, match="的月缴存额应为"):
        approve(sessions, wrong.json()["id"])


def test_a_back_payment_overlapping_an_approved_one_is_refused(
    client: TestClient, auth: dict[str, str], sessions: Session
) -> None:
    person = sessions.scalars(
        select(Person).where(
            Person.unit_id == _unit(sessions).id, Person.opened_on < date(2020, 1, 1)
        )
    ).first()
    assert person is not None
    row = {"account_no": person.account_no, "start_month": "2024-01", "end_month": "2024-03",
           "amount": "300.00", "reason": "漏缴"}  # fmt: skip
    first = submit(client, auth, business="back-payment", rows=[row]).json()
    assert approve(sessions, first["id"]).result == {
        "persons": [{"account_no": person.account_no, "months": "2024-01–2024-03",
                     "amount": "300.00"}],
        "total": "300.00",
    }  # fmt: skip
    second = submit(
        client, auth, business="back-payment", key="second",
        rows=[{**row, "start_month": "2024-03", "end_month": "2024-05"}],
    ).json()  # fmt: skip
    with pytest.raises(ReviewError, match="2024-03–2024-03 已补缴，不能重复补缴"):
        approve(sessions, second["id"])
