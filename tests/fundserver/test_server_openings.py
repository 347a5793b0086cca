"""Open accounts checked before a 开户 list goes, and a reviewer rejecting single rows."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from fs_helpers import API, login
from test_server_review import NEW_PERSON, review
from test_server_submissions import submit

ALREADY = "证件号码已在中心有未销户的个人账户"


def _someone_of(client: TestClient, unit_code: str) -> dict[str, Any]:
    other = login(client, unit_code)
    roster = client.get(f"{API}/roster", headers=other).json()["items"]
    return next(p for p in roster if p["status"] == "正常")


def test_the_check_names_only_the_unit_holding_an_open_account(
    client: TestClient, auth: dict[str, str]
) -> None:
    elsewhere = _someone_of(client, "100002")
    own = _someone_of(client, "100001")
    asked = [elsewhere["id_number"].lower(), own["id_number"], NEW_PERSON["id_number"]]

    response = client.post(f"{API}/persons/open-accounts", json={"id_numbers": asked}, headers=auth)

    assert response.status_code == 200
    found = {f["id_number"]: f for f in response.json()["found"]}
    assert set(found) == {asked[0], asked[1]}  # the new person may be opened
    assert found[asked[0]] == {
        "id_number": asked[0],  # as asked, so the client finds its row
        "unit_code": "100002",
        "unit_name": "开封市汴梁食品有限公司",
        "in_own_unit": False,
    }
    assert found[asked[1]]["in_own_unit"] is True
    # Never more personal data than that: no name, account, status or base.
    assert all(
        set(f) == {"id_number", "unit_code", "unit_name", "in_own_unit"} for f in found.values()
    )


def test_the_check_needs_a_login_and_a_list(client: TestClient, auth: dict[str, str]) -> None:
    body = {"id_numbers": ["410203199001011230"]}
    assert client.post(f"{API}/persons/open-accounts", json=body).status_code == 401
    empty = client.post(f"{API}/persons/open-accounts", json={"id_numbers": []}, headers=auth)
    assert empty.status_code == 422


def test_the_reviewer_rejects_one_row_and_approves_the_rest(
    client: TestClient, auth: dict[str, str], database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = _someone_of(client, "100002")
    clash = {"name": elsewhere["name"], "id_number": elsewhere["id_number"], "base": "3000"}
    created = submit(client, auth, rows=[NEW_PERSON, clash]).json()

    code, out = review(capsys, database_url, "approve", str(created["id"]))
    assert code == 1 and ALREADY in out and "--reject-row" in out  # the way out is named

    code, out = review(
        capsys, database_url, "approve", str(created["id"]), "--reject-row", f"2={ALREADY}"
    )
    assert code == 0, out
    body = client.get(f"{API}/submissions/{created['id']}", headers=auth).json()
    assert body["state"] == "审核通过"
    assert [a["id_number"] for a in body["result"]["accounts"]] == [NEW_PERSON["id_number"]]
    assert body["result"]["rejected_rows"] == [{"row": 2, "reason": ALREADY}]
    assert len(body["rows"]) == 2  # the submission keeps what was sent
    code, out = review(capsys, database_url, "list")
    assert "其中 1 行退回" in out


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (["3=原因"], "没有第 3 行"),
        (["1=原因", "2=原因"], "请用 reject 退回整笔申报"),
        (["2"], "行号=原因"),
    ],
)
def test_rejecting_rows_is_checked(
    client: TestClient,
    auth: dict[str, str],
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    rows: list[str],
    message: str,
) -> None:
    created = submit(client, auth, rows=[NEW_PERSON, {**NEW_PERSON, "name": "钱二"}]).json()
    args = [a for row in rows for a in ("--reject-row", row)]
    code, out = review(capsys, database_url, "approve", str(created["id"]), *args)
    assert code == 1 and message in out
    body = client.get(f"{API}/submissions/{created['id']}", headers=auth).json()
    assert body["state"] == "待审核"


def test_the_units_openings_are_listed_newest_first_with_the_id_masked(
    client: TestClient, auth: dict[str, str], database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    created = submit(client, auth, rows=[NEW_PERSON]).json()
    assert review(capsys, database_url, "approve", str(created["id"]))[0] == 0

    page = client.get(f"{API}/openings", params={"page_size": 5}, headers=auth).json()

    assert page["has_more"] is True and page["total"] > 5 and len(page["items"]) == 5
    newest = page["items"][0]
    assert newest["name"] == NEW_PERSON["name"]
    assert newest["id_number_masked"] == "410202********002X"
    assert (newest["base"], newest["monthly_amount"], newest["status"]) == (
        "4800.00",
        "1152.00",
        "正常",
    )
    dates = [i["opened_on"] for i in page["items"]]
    assert dates == sorted(dates, reverse=True)
    other = login(client, "100002")
    theirs = client.get(f"{API}/openings", headers=other).json()["items"]
    assert NEW_PERSON["name"] not in {i["name"] for i in theirs}  # only the caller's unit
