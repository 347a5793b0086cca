"""The reviewer's command line and the business effects of approval."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fs_helpers import API
from test_server_submissions import submit

from fundserver.__main__ import main
from fundserver.businesses import registry

NEW_PERSON = {"name": "赵新", "id_number": "41020219950312002X", "base": "4800"}


def review(capsys: pytest.CaptureFixture[str], database_url: str, *args: str) -> tuple[int, str]:
    code = main(["review", *args, "--database", database_url])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _roster_since(client: TestClient, auth: dict[str, str], since: int) -> dict[str, Any]:
    return dict(client.get(f"{API}/roster", params={"since": since}, headers=auth).json())


def test_approving_an_opening_creates_the_account_in_the_roster(
    client: TestClient, auth: dict[str, str], database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _roster_since(client, auth, 0)["version"]
    created = submit(client, auth, rows=[NEW_PERSON]).json()
    code, out = review(capsys, database_url, "approve", str(created["id"]), "--json")
    assert code == 0
    approved = json.loads(out)
    assert approved["state"] == "审核通过"
    account_no = approved["result"]["accounts"][0]["account_no"]
    assert account_no.startswith("100001")

    delta = _roster_since(client, auth, before)
    assert [p["account_no"] for p in delta["items"]] == [account_no]
    person = delta["items"][0]
    assert (person["name"], person["status"], person["sex"]) == ("赵新", "正常", "女")
    assert person["birth_date"] == "1995-03-12" and person["base"] == "4800.00"
    assert person["paid_to"] == "2025-05"  # starts paying the month after the unit's 缴至年月

    pulled = client.get(
        f"{API}/submissions", params={"since": created["version"]}, headers=auth
    ).json()
    assert [(s["id"], s["state"]) for s in pulled["items"]] == [(created["id"], "审核通过")]


def test_rejection_carries_the_reason(
    client: TestClient, auth: dict[str, str], database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    created = submit(client, auth).json()
    code, _ = review(
        capsys, database_url, "reject", str(created["id"]), "--reason", "缺身份证复印件"
    )
    assert code == 0
    body = client.get(f"{API}/submissions/{created['id']}", headers=auth).json()
    assert (body["state"], body["reason"]) == ("退回", "缺身份证复印件")
    assert body["version"] > created["version"]


def test_only_pending_submissions_can_be_reviewed(
    client: TestClient, auth: dict[str, str], database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    created = submit(client, auth).json()
    assert review(capsys, database_url, "reject", str(created["id"]), "--reason", "x")[0] == 0
    code, out = review(capsys, database_url, "approve", str(created["id"]))
    assert code == 1 and "只能审核待审核的申报" in out
    code, out = review(capsys, database_url, "show", "999")
    assert code == 1 and "没有编号为 999 的申报" in out


def test_an_opening_of_someone_already_in_the_centre_is_not_approved(
    client: TestClient, auth: dict[str, str], database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    person = client.get(f"{API}/roster", params={"page_size": 1}, headers=auth).json()["items"][0]
    row = {"name": person["name"], "id_number": person["id_number"], "base": "3000"}
    created = submit(client, auth, rows=[row]).json()
    code, out = review(capsys, database_url, "approve", str(created["id"]))
    assert code == 1 and "已在中心有未销户的个人账户" in out
    body = client.get(f"{API}/submissions/{created['id']}", headers=auth).json()
    assert body["state"] == "待审核"


def test_seal_then_unseal_change_the_status(
    client: TestClient, auth: dict[str, str], database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = _roster_since(client, auth, 0)
    person = roster["items"][0]
    row = {"account_no": person["account_no"], "reason": "离职", "month": "2025-06"}
    sealed = submit(client, auth, key="s", business="seal", rows=[row]).json()
    assert review(capsys, database_url, "approve", str(sealed["id"]))[0] == 0
    delta = _roster_since(client, auth, roster["version"])["items"]
    assert [(p["account_no"], p["status"]) for p in delta] == [(person["account_no"], "封存")]
    unseal_row = {**row, "reason": "重新就业"}
    unsealed = submit(client, auth, key="u", business="unseal", rows=[unseal_row]).json()
    assert review(capsys, database_url, "approve", str(unsealed["id"]))[0] == 0
    again = submit(client, auth, key="u2", business="unseal", rows=[unseal_row])
    assert again.status_code == 422
    assert "账户状态为正常，启封需要账户为封存" in again.json()["error"]["message"]


def test_ratio_change_is_reviewed_then_used_by_a_base_change(
    client: TestClient, auth: dict[str, str], database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    change = {"effective_month": "2025-07", "unit_ratio": "0.10", "personal_ratio": "0.10"}
    ratio = submit(client, auth, key="r", business="ratio-change", rows=[change])
    assert review(capsys, database_url, "approve", str(ratio.json()["id"]))[0] == 0
    detail = client.get(f"{API}/submissions/{ratio.json()['id']}", headers=auth).json()
    assert detail["state"] == "已复核"
    person = _roster_since(client, auth, 0)["items"][0]
    row = {"account_no": person["account_no"], "effective_month": "2025-07", "base": "5000"}
    base = submit(client, auth, key="b", business="base-change", rows=[row])
    assert review(capsys, database_url, "approve", str(base.json()["id"]))[0] == 0
    detail = client.get(f"{API}/submissions/{ratio.json()['id']}", headers=auth).json()
    assert detail["state"] == "已使用"


def test_business_without_an_effect_is_approved_and_logged(
    client: TestClient,
    auth: dict[str, str],
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 汇缴 has an effect now (issue 10): take it away to stand for a business without one.
    monkeypatch.delitem(registry._EFFECTS, "remittance")
    created = submit(client, auth, business="remittance", rows=[{"month": "2025-06"}]).json()
    with caplog.at_level("INFO", logger="fundserver.review"):
        code, _ = review(capsys, database_url, "approve", str(created["id"]))
    assert code == 0
    assert "no approval effect" in caplog.text


def test_list_shows_every_submission(
    client: TestClient, auth: dict[str, str], database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    submit(client, auth, key="1")
    submit(client, auth, key="2", business="base-change", rows=[{"account_no": "x"}])
    code, out = review(capsys, database_url, "list")
    assert code == 0 and "共 2 笔" in out and "open-account" in out and "待审核" in out
    code, out = review(capsys, database_url, "list", "--state", "pending", "--json")
    assert [s["business"] for s in json.loads(out)] == ["open-account", "base-change"]


def test_reject_needs_a_reason(
    client: TestClient, auth: dict[str, str], database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    created = submit(client, auth).json()
    code, out = review(capsys, database_url, "reject", str(created["id"]), "--reason", "  ")
    assert code == 1 and "退回必须写明原因" in out
