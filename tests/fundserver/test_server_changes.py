"""变更业务 at the centre: 封存 / 启封 / 内部转移 checked row by row, approved, and recorded."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fs_helpers import API, FakeClock, error_of, login
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_server_review import review
from test_server_submissions import submit

from fundserver.db import Person, Unit

Reviewer = Callable[..., tuple[int, str]]


@pytest.fixture
def reviewer(database_url: str, capsys: pytest.CaptureFixture[str]) -> Reviewer:
    """The reviewer's command line over this test's centre: `reviewer("approve", "3")`."""
    return lambda *args: review(capsys, database_url, *args)


def _people(sessions: Session, unit_code: str, status: str) -> list[Person]:
    query = (
        select(Person)
        .join(Unit, Unit.id == Person.unit_id)
        .where(Unit.unit_code == unit_code, Person.status == status)
        .order_by(Person.id)
    )
    return list(sessions.scalars(query))


def _seal_row(person: Person, **extra: str) -> dict[str, str]:
    return {
        "account_no": person.account_no,
        "id_number": person.id_number,
        "name": person.name,
        "reason": "离职",
        "month": "2025-06",
        **extra,
    }


def _check(client: TestClient, auth: dict[str, str], business: str, rows: list[Any]) -> Any:
    response = client.post(
        f"{API}/submissions/check", json={"business": business, "rows": rows}, headers=auth
    )
    assert response.status_code == 200, response.text
    return [(p["row"], p["field"], p["message"]) for p in response.json()["problems"]]


def _roster(client: TestClient, headers: dict[str, str], since: int = 0) -> dict[str, Any]:
    return dict(client.get(f"{API}/roster", params={"since": since}, headers=headers).json())


def test_seal_rows_are_refused_each_with_its_reason(
    client: TestClient, auth: dict[str, str], sessions: Session
) -> None:
    normal = _people(sessions, "100001", "正常")
    sealed = _people(sessions, "100001", "封存")[0]
    elsewhere = _people(sessions, "100002", "正常")[0]
    opened = f"{normal[2].opened_on:%Y-%m}"
    rows = [
        _seal_row(normal[0]),  # fine
        _seal_row(sealed),  # already sealed
        _seal_row(elsewhere),  # not at this unit
        _seal_row(normal[1], name="某某某"),  # name does not match
        _seal_row(normal[2], month="2000-01" if opened > "2000-01" else "1999-01"),
        _seal_row(normal[3], month="2025-07"),  # the future
        _seal_row(normal[4], reason="不想交了"),  # not in the centre's dictionary
        _seal_row(normal[0]),  # the same person twice
        _seal_row(normal[5], month="2025-13"),
    ]
    problems = _check(client, auth, "seal", rows)
    assert [(row, field) for row, field, _ in problems] == [
        (2, "account_no"),
        (3, "account_no"),
        (4, "name"),
        (5, "month"),
        (6, "month"),
        (7, "reason"),
        (8, "id_number"),
        (9, "month"),
    ]
    messages = [message for _, _, message in problems]
    assert messages[0] == f"{sealed.name}的账户状态为封存，封存需要账户为正常"
    assert messages[1] == f"本单位没有个人账号为 {elsewhere.account_no} 的职工"
    assert "姓名与中心记录不符" in messages[2]
    assert "早于该账户的开户年月" in messages[3]
    assert "晚于本月（2025-06）" in messages[4]
    assert "不在中心的原因字典中" in messages[5]
    assert messages[6] == "与第 1 行是同一职工"
    assert "格式不正确" in messages[7]


def test_a_refused_submission_is_not_recorded_and_names_every_row(
    client: TestClient, auth: dict[str, str], sessions: Session
) -> None:
    sealed = _people(sessions, "100001", "封存")[0]
    response = submit(client, auth, business="seal", rows=[_seal_row(sealed)])
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "rows_refused" and error["field"] == "rows[0].account_no"
    assert error["message"].startswith("第 1 行：")
    assert client.get(f"{API}/submissions", headers=auth).json()["items"] == []


def test_a_person_pending_in_one_change_cannot_be_in_a_contradicting_one(
    client: TestClient, auth: dict[str, str], sessions: Session
) -> None:
    person = _people(sessions, "100001", "正常")[0]
    first = submit(client, auth, key="s1", business="seal", rows=[_seal_row(person)])
    assert first.status_code == 201
    again = _check(client, auth, "seal", [_seal_row(person)])
    number = first.json()["id"]
    assert again == [
        (
            1,
            "account_no",
            f"该职工已在待审核的个人账户封存申报（编号 {number}）中，审核完成前不能再办理",
        )
    ]


def test_per_row_rejection_seals_only_the_rows_kept_and_records_show_both(
    client: TestClient,
    auth: dict[str, str],
    sessions: Session,
    reviewer: Reviewer,
) -> None:
    kept, sent_back = _people(sessions, "100001", "正常")[:2]
    created = submit(
        client, auth, business="seal", rows=[_seal_row(kept), _seal_row(sent_back)]
    ).json()
    code, out = reviewer("approve", str(created["id"]), "--reject-row", "2=缺离职证明")
    assert code == 0, out
    sessions.expire_all()
    assert (sessions.get(Person, kept.id) or kept).status == "封存"
    assert (sessions.get(Person, sent_back.id) or sent_back).status == "正常"
    assert (sessions.get(Person, kept.id) or kept).status_month == "2025-06"

    page = client.get(f"{API}/records", params={"business": ["seal", "unseal"]}, headers=auth)
    items = page.json()["items"]
    assert [(i["name"], i["state"], i["review_reason"]) for i in items] == [
        (kept.name, "审核通过", None),
        (sent_back.name, "退回", "缺离职证明"),
    ]
    assert items[0]["reason"] == "离职" and items[0]["month"] == "2025-06"
    assert "*" in items[0]["id_number_masked"] and kept.id_number not in str(items)


def test_unseal_needs_a_sealed_account_and_takes_the_new_base(
    client: TestClient,
    auth: dict[str, str],
    sessions: Session,
    reviewer: Reviewer,
) -> None:
    normal = _people(sessions, "100001", "正常")[0]
    sealed = _people(sessions, "100001", "封存")[0]
    row = _seal_row(sealed, reason="重新就业", base="5200")
    assert _check(client, auth, "unseal", [_seal_row(normal, reason="重新就业"), row]) == [
        (1, "account_no", f"{normal.name}的账户状态为正常，启封需要账户为封存")
    ]
    low = _check(client, auth, "unseal", [_seal_row(sealed, reason="重新就业", base="100")])
    assert low == [(1, "base", "缴存基数 100 不在 1900.00–18900.00 元之间")]
    early = _check(client, auth, "unseal", [_seal_row(sealed, reason="重新就业", month="2010-01")])
    assert early and early[0][1] == "month"

    before = _roster(client, auth)["version"]
    created = submit(client, auth, business="unseal", rows=[row]).json()
    assert reviewer("approve", str(created["id"]))[0] == 0
    [person] = _roster(client, auth, before)["items"]
    assert (person["status"], person["base"], person["paid_to"]) == ("正常", "5200.00", "2025-05")


def test_lookup_for_transfer_says_only_what_the_move_needs(
    client: TestClient, auth: dict[str, str], sessions: Session
) -> None:
    sealed = _people(sessions, "100002", "封存")[0]
    params = {"name": sealed.name, "id_number": sealed.id_number}
    body = client.get(f"{API}/persons/lookup", params=params, headers=auth).json()
    assert set(body) == {
        "name",
        "id_number_masked",
        "status",
        "unit_code",
        "unit_name",
        "account_no",
        "in_own_unit",
        "transfer_refusal",
    }
    assert body["transfer_refusal"] is None and body["account_no"] is None
    text = str(body)
    for secret in (str(sealed.base), sealed.paid_to, sealed.account_no, sealed.id_number):
        assert secret not in text

    working = _people(sessions, "100003", "正常")[0]
    params = {"name": working.name, "id_number": working.id_number}
    body = client.get(f"{API}/persons/lookup", params=params, headers=auth).json()
    assert body["transfer_refusal"] == (
        f"{working.name}在开封宋都建筑工程有限公司的账户状态为正常，只有封存的账户才能转移："
        "请原单位先办理封存"
    )


def _transfer_row(person: Person, **extra: str) -> dict[str, str]:
    return {"name": person.name, "id_number": person.id_number, "month": "2025-06", **extra}


def test_transfer_rows_are_refused_each_with_its_reason(
    client: TestClient, auth: dict[str, str], sessions: Session
) -> None:
    sealed = _people(sessions, "100002", "封存")
    working = _people(sessions, "100003", "正常")[0]
    own = _people(sessions, "100001", "封存")[0]
    rows = [
        _transfer_row(sealed[0]),  # fine
        _transfer_row(sealed[1], name=sealed[1].name + "甲"),  # name does not match
        {"name": "查无此人", "id_number": "410202199001010012", "month": "2025-06"},
        _transfer_row(working),  # not sealed
        _transfer_row(own),  # already here
        _transfer_row(sealed[2], month="2025-09"),
        _transfer_row(sealed[0]),
    ]
    problems = _check(client, auth, "transfer", rows)
    no_match = "中心没有姓名与证件号码都相符的职工记录，请核对后再查"
    assert problems[:2] == [(2, "id_number", no_match), (3, "id_number", no_match)]
    assert problems[2][0] == 4 and "只有封存的账户才能转移" in problems[2][2]
    assert problems[3] == (
        5,
        "id_number",
        f"{own.name}已是本单位职工（账户状态：封存），无需内部转移",
    )
    assert problems[4][:2] == (6, "month")
    assert problems[5] == (7, "id_number", "与第 1 行是同一职工")


def test_a_transfer_pending_at_one_unit_blocks_another_units_transfer_and_seal(
    client: TestClient, auth: dict[str, str], sessions: Session
) -> None:
    person = _people(sessions, "100002", "封存")[0]
    assert (
        submit(client, auth, business="transfer", rows=[_transfer_row(person)]).status_code == 201
    )
    other = login(client, "100003")
    problems = _check(client, other, "transfer", [_transfer_row(person)])
    assert len(problems) == 1 and "待审核的内部转移申报" in problems[0][2]
    old_unit = login(client, "100002")
    unseal = _check(client, old_unit, "unseal", [_seal_row(person, reason="重新就业")])
    assert len(unseal) == 1 and "待审核的内部转移申报" in unseal[0][2]


def test_approved_transfer_moves_the_account_between_the_rosters(
    client: TestClient,
    auth: dict[str, str],
    sessions: Session,
    reviewer: Reviewer,
) -> None:
    person = _people(sessions, "100002", "封存")[0]
    old_unit = login(client, "100002")
    new_since, old_since = _roster(client, auth)["version"], _roster(client, old_unit)["version"]
    row = _transfer_row(person, from_unit_code="100002", from_unit_name="开封市汴梁食品有限公司")
    created = submit(client, auth, business="transfer", rows=[row]).json()
    code, out = reviewer("approve", str(created["id"]))
    assert code == 0, out

    [arrived] = _roster(client, auth, new_since)["items"]
    assert (arrived["account_no"], arrived["status"], arrived["deleted"]) == (
        person.account_no,
        "正常",
        False,
    )
    assert arrived["paid_to"] == "2025-05" and arrived["unit_ratio"] == "0.12"
    old_delta = _roster(client, old_unit, old_since)
    assert [(p["account_no"], p["deleted"]) for p in old_delta["items"]] == [
        (person.account_no, True)
    ]
    # The next delta of the old unit is empty: the departure is sent once.
    assert _roster(client, old_unit, old_delta["version"])["items"] == []
    full = _roster(client, old_unit)["items"]
    assert person.account_no in {p["account_no"] for p in full if p["deleted"]}

    [record] = client.get(f"{API}/records", params={"business": "transfer"}, headers=auth).json()[
        "items"
    ]
    assert record["state"] == "审核通过" and record["account_no"] == person.account_no
    assert record["details"] == {"转出单位名称": "开封市汴梁食品有限公司", "转出单位账号": "100002"}


def test_records_need_a_known_business(client: TestClient, auth: dict[str, str]) -> None:
    response = client.get(f"{API}/records", params={"business": "nope"}, headers=auth)
    assert response.status_code == 422


def test_reviewer_reads_a_transfer_and_finds_it_by_json(
    client: TestClient,
    auth: dict[str, str],
    sessions: Session,
    reviewer: Reviewer,
) -> None:
    person = _people(sessions, "100002", "封存")[0]
    row = _transfer_row(person, from_unit_name="开封市汴梁食品有限公司")
    created = submit(client, auth, business="transfer", rows=[row]).json()
    submit(client, auth, key="2", business="base-change", rows=[{"account_no": "x"}])
    code, out = reviewer("list", "--business", "transfer", "--json")
    assert code == 0
    [listed] = json.loads(out)
    assert (listed["id"], listed["unit_code"], listed["state"]) == (
        created["id"],
        "100001",
        "待审核",
    )
    code, out = reviewer("show", str(created["id"]))
    assert code == 0
    assert "内部转移" in out and "待审核" in out
    assert f"第 1 行  姓名 {person.name}" in out and "转出单位 开封市汴梁食品有限公司" in out
    assert "年月 2025-06" in out


def test_records_tell_apart_two_transferred_people_of_one_name(
    client: TestClient,
    auth: dict[str, str],
    sessions: Session,
    reviewer: Reviewer,
) -> None:
    first, second = _people(sessions, "100002", "封存")[:2]
    second.name = first.name  # 同名不同人
    sessions.commit()
    rows = [_transfer_row(first), _transfer_row(second)]
    created = submit(client, auth, business="transfer", rows=rows).json()
    assert reviewer("approve", str(created["id"]))[0] == 0
    items = client.get(f"{API}/records", params={"business": "transfer"}, headers=auth).json()
    assert [i["account_no"] for i in items["items"]] == [first.account_no, second.account_no]


def test_the_month_is_the_centres_beijing_month_not_utcs(
    client: TestClient, sessions: Session, clock: FakeClock
) -> None:
    clock.now = datetime(2025, 6, 30, 20, 0)  # 2025-07-01 04:00 in Kaifeng
    auth = login(client)
    person = _people(sessions, "100001", "正常")[0]
    assert _check(client, auth, "seal", [_seal_row(person, month="2025-07")]) == []
    problems = _check(client, auth, "seal", [_seal_row(person, month="2025-08")])
    assert "晚于本月（2025-07）" in problems[0][2]
