"""Submissions: exactly once per Idempotency-Key, validation, list and detail."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from fs_helpers import API, error_of, login
from test_server_attachments import PDF, upload

ROW = {"name": "李明", "id_number": "410202199003071234", "base": "5000"}


def submit(
    client: TestClient,
    headers: dict[str, str],
    key: str | None = "key-1",
    **body: Any,
) -> Any:
    payload = {"business": "open-account", "rows": [ROW], "attachments": [], **body}
    extra = {"Idempotency-Key": key} if key is not None else {}
    return client.post(f"{API}/submissions", json=payload, headers={**headers, **extra})


def test_new_submission_is_pending(client: TestClient, auth: dict[str, str]) -> None:
    response = submit(client, auth, client_ref="清册-1")
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "待审核" and body["state_code"] == "pending"
    assert body["rows"] == [ROW] and body["client_ref"] == "清册-1"
    assert body["replayed"] is False and body["reason"] is None
    assert body["version"] >= 1


def test_same_key_replays_the_same_record(client: TestClient, auth: dict[str, str]) -> None:
    first = submit(client, auth).json()
    again = submit(client, auth)
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first["id"] and again.json()["replayed"] is True
    listed = client.get(f"{API}/submissions", headers=auth).json()["items"]
    assert [s["id"] for s in listed] == [first["id"]]


def test_same_key_different_body_conflicts(client: TestClient, auth: dict[str, str]) -> None:
    submit(client, auth)
    response = submit(client, auth, rows=[{**ROW, "base": "6000"}])
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "idempotency_conflict" and error["field"] == "Idempotency-Key"


def test_keys_are_per_unit(client: TestClient, auth: dict[str, str]) -> None:
    mine = submit(client, auth).json()
    theirs = submit(client, login(client, "100002"))
    assert theirs.status_code == 201 and theirs.json()["id"] != mine["id"]


def test_key_is_required(client: TestClient, auth: dict[str, str]) -> None:
    response = submit(client, auth, key=None)
    assert response.status_code == 400
    assert error_of(response)["code"] == "idempotency_key_required"


def test_unknown_business(client: TestClient, auth: dict[str, str]) -> None:
    response = submit(client, auth, business="lottery")
    assert response.status_code == 422
    assert error_of(response) == {
        "code": "unknown_business",
        "message": "不支持的业务代码“lottery”",
        "field": "business",
    }


def test_attachments_must_exist_and_belong_to_the_unit(
    client: TestClient, auth: dict[str, str]
) -> None:
    other = upload(client, login(client, "100003"), PDF + b"other").json()["id"]
    response = submit(client, auth, attachments=[other])
    assert response.status_code == 422
    assert error_of(response)["field"] == "attachments[0]"
    mine = upload(client, auth, PDF).json()["id"]
    ok = submit(client, auth, key="key-2", attachments=[mine])
    assert ok.status_code == 201 and ok.json()["attachments"] == [mine]


def test_empty_rows_are_refused(client: TestClient, auth: dict[str, str]) -> None:
    response = submit(client, auth, rows=[])
    assert response.status_code == 422
    assert error_of(response)["field"] == "rows"


def test_list_filters_and_since(client: TestClient, auth: dict[str, str]) -> None:
    first = submit(client, auth, key="a").json()
    second = submit(client, auth, key="b", business="base-change", rows=[{"account_no": "x"}])
    second = second.json()
    seals = client.get(f"{API}/submissions", params={"business": "base-change"}, headers=auth)
    seals = seals.json()
    assert [s["id"] for s in seals["items"]] == [second["id"]]
    pending = client.get(f"{API}/submissions", params={"state": "待审核"}, headers=auth).json()
    assert len(pending["items"]) == 2
    later = client.get(f"{API}/submissions", params={"since": first["version"]}, headers=auth)
    assert [s["id"] for s in later.json()["items"]] == [second["id"]]
    assert later.json()["version"] == second["version"]
    bad = client.get(f"{API}/submissions", params={"state": "maybe"}, headers=auth)
    assert error_of(bad)["field"] == "state"


def test_detail_is_only_for_the_owning_unit(client: TestClient, auth: dict[str, str]) -> None:
    created = submit(client, auth).json()
    mine = client.get(f"{API}/submissions/{created['id']}", headers=auth)
    assert mine.status_code == 200 and mine.json() == created
    theirs = client.get(f"{API}/submissions/{created['id']}", headers=login(client, "100002"))
    assert theirs.status_code == 404
    assert error_of(theirs)["code"] == "submission_not_found"
