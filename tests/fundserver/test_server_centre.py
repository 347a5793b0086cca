"""Policy, unit profile, roster paging and delta sync, person lookup."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from fs_helpers import API, error_of, login
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundserver.db import LookupAudit, Person, Unit
from fundserver.demo import DEMO_UNIT_CODE, SHARED_NAME
from fundserver.policy import load_policy
from fundserver.security import AuthSettings


def _all_roster(
    client: TestClient, headers: dict[str, str], since: int = 0
) -> tuple[list[Any], int]:
    items: list[Any] = []
    while True:
        page = client.get(f"{API}/roster", params={"since": since, "page_size": 7}, headers=headers)
        assert page.status_code == 200
        body = page.json()
        items += body["items"]
        since = body["version"]
        if not body["has_more"]:
            return items, since


def test_policy_is_the_kaifeng_document_marked_as_from_the_server(
    client: TestClient, auth: dict[str, str]
) -> None:
    body = client.get(f"{API}/policy", headers=auth).json()
    expected = load_policy()
    assert body["source"] == "server"
    assert {k: v for k, v in body.items() if k != "source"} == {
        k: v for k, v in expected.items() if k != "source"
    }


def test_policy_needs_login(client: TestClient) -> None:
    assert error_of(client.get(f"{API}/policy"))["code"] == "auth_required"


def test_unit_profile(client: TestClient, auth: dict[str, str]) -> None:
    body = client.get(f"{API}/unit", headers=auth).json()
    assert body["unit_code"] == DEMO_UNIT_CODE
    assert body["name"] == "开封示范科技有限公司"
    assert body["centre_name"] == "开封市住房公积金管理中心"
    assert (body["unit_ratio"], body["personal_ratio"]) == ("0.12", "0.12")
    assert body["paid_to"] == "2025-05"
    assert body["suspense_balance"] == "1286.40"
    assert body["person_counts"] == {"total": 40, "normal": 37, "sealed": 3, "closed": 0}


def test_roster_pages_cover_the_unit_once_in_version_order(
    client: TestClient, auth: dict[str, str]
) -> None:
    items, version = _all_roster(client, auth)
    assert len(items) == 40
    assert len({p["account_no"] for p in items}) == 40
    versions = [p["version"] for p in items]
    assert versions == sorted(versions) and version == versions[-1]
    assert all(p["account_no"].startswith(DEMO_UNIT_CODE) for p in items)


def test_roster_page_numbers_also_work(client: TestClient, auth: dict[str, str]) -> None:
    first = client.get(f"{API}/roster", params={"page_size": 30}, headers=auth).json()
    second = client.get(f"{API}/roster", params={"page": 2, "page_size": 30}, headers=auth).json()
    assert first["has_more"] and not second["has_more"]
    assert len(first["items"]) == 30 and len(second["items"]) == 10


def test_roster_person_fields_and_monthly_amount(client: TestClient, auth: dict[str, str]) -> None:
    person = client.get(f"{API}/roster", params={"page_size": 1}, headers=auth).json()["items"][0]
    assert set(person) >= {
        "account_no", "name", "id_type", "id_number", "sex", "birth_date", "status", "base",
        "unit_ratio", "personal_ratio", "monthly_amount", "opened_on", "paid_to", "version",
    }  # fmt: skip
    base = Decimal(person["base"])
    # Kaifeng's default rounding is half-up to the yuan, each part separately.
    part = (base * Decimal("0.12")).quantize(Decimal(1), rounding="ROUND_HALF_UP")
    assert Decimal(person["monthly_amount"]["unit"]) == part
    assert Decimal(person["monthly_amount"]["total"]) == 2 * part


def test_roster_delta_returns_only_changed_people(
    client: TestClient, auth: dict[str, str], sessions: Session
) -> None:
    _, version = _all_roster(client, auth)
    assert _all_roster(client, auth, since=version) == ([], version)
    unit = sessions.scalar(select(Unit).where(Unit.unit_code == DEMO_UNIT_CODE))
    assert unit is not None
    person = sessions.scalar(select(Person).where(Person.unit_id == unit.id).limit(1))
    assert person is not None
    person.status, person.version = "封存", 10_000
    sessions.commit()
    changed, new_version = _all_roster(client, auth, since=version)
    assert [(p["account_no"], p["status"]) for p in changed] == [(person.account_no, "封存")]
    assert new_version == 10_000


def test_roster_rejects_a_bad_since(client: TestClient, auth: dict[str, str]) -> None:
    response = client.get(f"{API}/roster", params={"since": "abc"}, headers=auth)
    assert response.status_code == 422
    assert error_of(response)["field"] == "since"


def _person(sessions: Session, unit_code: str, **where: Any) -> Person:
    query = select(Person).join(Unit).where(Unit.unit_code == unit_code)
    for key, value in where.items():
        query = query.where(getattr(Person, key) == value)
    person = sessions.scalars(query.order_by(Person.id)).first()
    assert person is not None
    return person


def _lookup(client: TestClient, headers: dict[str, str], name: str, id_number: str) -> Any:
    params = {"name": name, "id_number": id_number}
    return client.get(f"{API}/persons/lookup", params=params, headers=headers)


def test_lookup_in_another_unit_hides_the_account_number(
    client: TestClient, auth: dict[str, str], sessions: Session
) -> None:
    sealed = _person(sessions, "100002", status="封存")
    body = _lookup(client, auth, sealed.name, sealed.id_number).json()
    assert body == {
        "name": sealed.name,
        "id_number_masked": sealed.id_number[:6] + "********" + sealed.id_number[-4:],
        "status": "封存",
        "unit_code": "100002",
        "unit_name": "开封市汴梁食品有限公司",
        "account_no": None,
        "in_own_unit": False,
        "transfer_refusal": None,
    }


def test_lookup_tells_apart_two_people_with_the_same_name(
    client: TestClient, auth: dict[str, str], sessions: Session
) -> None:
    twins = list(sessions.scalars(select(Person).where(Person.name == SHARED_NAME)))
    assert len(twins) >= 2 and len({p.id_number for p in twins}) == len(twins)
    found = [_lookup(client, auth, SHARED_NAME, p.id_number).json() for p in twins[:2]]
    assert [f["account_no"] for f in found] == [p.account_no for p in twins[:2]]
    assert all(f["in_own_unit"] for f in found)


def test_lookup_answers_no_match_the_same_whatever_the_reason(
    client: TestClient, auth: dict[str, str], sessions: Session
) -> None:
    """A wrong name with a real ID must not confirm that the ID exists (no oracle)."""
    someone = _person(sessions, "100003")
    unknown = _lookup(client, auth, "查无此人", "410202199001010012")
    wrong_name = _lookup(client, auth, someone.name + "甲", someone.id_number)
    assert unknown.status_code == wrong_name.status_code == 404
    assert (
        error_of(unknown)
        == error_of(wrong_name)
        == {
            "code": "person_not_found",
            "message": "中心没有姓名与证件号码都相符的职工记录，请核对后再查",
            "field": None,
        }
    )


def test_lookups_are_rate_limited_per_unit_and_audited(
    fund_app: FastAPI, client: TestClient, auth: dict[str, str], sessions: Session
) -> None:
    fund_app.state.fund.auth = AuthSettings(lookups_per_minute=3)
    someone = _person(sessions, "100003")
    answers = [_lookup(client, auth, someone.name, someone.id_number) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert error_of(answers[3])["code"] == "lookup_rate_limited"
    # Another unit has its own allowance.
    other = login(client, "100002")
    assert _lookup(client, other, someone.name, someone.id_number).status_code == 200
    audit = list(sessions.scalars(select(LookupAudit).order_by(LookupAudit.id)))
    assert [a.outcome for a in audit] == ["found"] * 3 + ["rate_limited", "found"]
    assert all(someone.id_number not in a.id_number_masked for a in audit)


def test_lookup_needs_both_name_and_id(client: TestClient, auth: dict[str, str]) -> None:
    response = client.get(f"{API}/persons/lookup", params={"name": "王伟"}, headers=auth)
    assert response.status_code == 422
    assert error_of(response) == {
        "code": "field_required",
        "message": "缺少必填项“id_number”",
        "field": "id_number",
    }


def test_other_units_see_their_own_roster(client: TestClient) -> None:
    headers = login(client, "100002")
    items, _ = _all_roster(client, headers)
    assert len(items) == 40
    assert all(p["account_no"].startswith("100002") for p in items)
    assert sum(p["status"] == "封存" for p in items) == 8
