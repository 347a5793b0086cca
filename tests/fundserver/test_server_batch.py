"""POST /submissions/batch: several submissions in one request, each answered on its own."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from fs_helpers import API
from sqlalchemy import event
from test_server_attachments import PNG, upload

from fundserver.db import SUBMISSION_COUNTER


def _opening(name: str, id_number: str, attachments: list[str] | None = None) -> dict[str, Any]:
    return {
        "business": "open-account",
        "rows": [{"name": name, "id_number": id_number, "base": "5000.00"}],
        "attachments": attachments or [],
    }


def _batch(client: TestClient, auth: dict[str, str], items: list[dict[str, Any]]) -> Any:
    response = client.post(f"{API}/submissions/batch", headers=auth, json={"submissions": items})
    assert response.status_code == 200, response.text
    return response.json()["results"]


def _keys_recorded(client: TestClient, auth: dict[str, str]) -> list[str | None]:
    body = client.get(f"{API}/submissions", headers=auth, params={"page_size": 1000}).json()
    return [item["client_ref"] for item in body["items"]]


def test_each_submission_of_a_batch_is_answered_and_recorded_on_its_own(
    client: TestClient, auth: dict[str, str]
) -> None:
    document = upload(client, auth, PNG).json()["id"]
    single = {**_opening("甲", "410203199001011230"), "client_ref": "c"}
    assert (
        client.post(
            f"{API}/submissions", headers={**auth, "Idempotency-Key": "key-c"}, json=single
        ).status_code
        == 201
    )
    items = [
        {
            **_opening("乙", "410203199001011249", [document]),
            "client_ref": "a",
            "idempotency_key": "key-a",
        },
        {
            **_opening("丙", "410203199001011257", ["ab" * 32]),
            "client_ref": "b",
            "idempotency_key": "key-b",
        },
        {**single, "idempotency_key": "key-c"},  # sent before, one at a time
        {**_opening("丁", "410203199001011265"), "client_ref": "x", "idempotency_key": "key-c"},
    ]

    first = _batch(client, auth, items)
    assert [r["status"] for r in first] == [201, 422, 200, 409]
    assert first[0]["submission"]["attachments"] == [document]
    assert first[1]["error"]["code"] == "attachment_not_found"
    assert first[1]["error"]["field"] == "attachments[0]" and first[1]["submission"] is None
    assert first[2]["submission"]["replayed"] is True
    assert first[3]["error"]["code"] == "idempotency_conflict"

    again = _batch(client, auth, items)  # the answer was lost: the client sends it all again
    assert [r["status"] for r in again] == [200, 422, 200, 409]
    assert again[0]["submission"]["id"] == first[0]["submission"]["id"]
    assert sorted(ref for ref in _keys_recorded(client, auth) if ref in "abcx") == ["a", "c"]


def test_a_batch_is_for_a_signed_in_unit_and_bounded(
    client: TestClient, auth: dict[str, str]
) -> None:
    item = {**_opening("甲", "410203199001011230"), "idempotency_key": "k"}
    anonymous = client.post(f"{API}/submissions/batch", json={"submissions": [item]})
    assert anonymous.status_code == 401
    too_many = [{**item, "idempotency_key": f"k{n}"} for n in range(101)]
    refused = client.post(f"{API}/submissions/batch", headers=auth, json={"submissions": too_many})
    assert refused.status_code == 422
    assert _keys_recorded(client, auth) == []


def test_a_batch_is_committed_once(
    client: TestClient, auth: dict[str, str], fund_app: FastAPI
) -> None:
    # Issue 12: a commit an item, and the row and the unit read again after each, cost the
    # centre a third of a batched submission's CPU.
    commits: list[Any] = []
    count = commits.append
    event.listen(fund_app.state.engine, "commit", count)
    try:
        items = [
            {**_opening(name, number), "idempotency_key": f"one-{n}"}
            for n, (name, number) in enumerate(
                [("甲", "410203199001011230"), ("乙", "410203199001011249")]
            )
        ]
        results = _batch(client, auth, items)
    finally:
        event.remove(fund_app.state.engine, "commit", count)
    assert [r["status"] for r in results] == [201, 201]
    assert len(commits) == 1


def test_keys_attachments_and_versions_are_read_once_a_batch_and_a_repeated_key_replays(
    client: TestClient, auth: dict[str, str], fund_app: FastAPI
) -> None:
    document = upload(client, auth, PNG).json()["id"]
    people = [
        ("甲", "410203199001011230"),
        ("乙", "410203199001011249"),
        ("丙", "410203199001011257"),
    ]
    items = [
        {**_opening(name, number, [document]), "idempotency_key": f"k-{n}"}
        for n, (name, number) in enumerate(people)
    ]
    items.append(dict(items[0]))  # the first again, in the same request
    before = {**_opening("丁", "410203199001011265"), "idempotency_key": "before"}
    assert _batch(client, auth, [before])[0]["status"] == 201  # the counter exists now
    statements: list[str] = []
    bumped: list[Any] = []

    def seen(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        statements.append(statement)
        if statement.startswith("UPDATE counters"):
            bumped.append(parameters[-1])

    event.listen(fund_app.state.engine, "before_cursor_execute", seen)
    try:
        results = _batch(client, auth, items)
    finally:
        event.remove(fund_app.state.engine, "before_cursor_execute", seen)

    assert [r["status"] for r in results] == [201, 201, 201, 200]
    assert results[3]["submission"]["id"] == results[0]["submission"]["id"]
    by_key = [s for s in statements if "FROM submissions" in s and "idempotency_key" in s]
    owned = [s for s in statements if "FROM attachments" in s]
    assert len(by_key) == 2  # the batch's keys at once; the repeated key when its turn came
    assert len(owned) == 1
    assert bumped.count(SUBMISSION_COUNTER) == 1  # the batch's versions taken at once
    listed = client.get(f"{API}/submissions", headers=auth).json()["items"]
    assert len({item["version"] for item in listed}) == len(listed) == 4
