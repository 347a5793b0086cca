"""Bad input always gets a structured Chinese error, never a 500."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from fs_helpers import API, error_of

from fundserver.openapi_doc import openapi_text
from fundserver.policy import round_amount

OPENAPI_PATH = "docs/api/openapi.json"


def test_malformed_json_is_400(client: TestClient) -> None:
    response = client.post(
        f"{API}/auth/login", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert error_of(response) == {
        "code": "malformed_json",
        "message": "请求内容不是有效的 JSON",
        "field": None,
    }


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"unit_code": "100001"}, "field_required", "password"),
        ({"unit_code": 5, "password": "x"}, "invalid_type", "unit_code"),
        ({"unit_code": "", "password": "x"}, "invalid_length", "unit_code"),
        ([1, 2], "malformed_json", None),
    ],
)
def test_invalid_login_bodies(client: TestClient, body: object, code: str, field: str) -> None:
    response = client.post(f"{API}/auth/login", json=body)
    assert response.status_code in (400, 422)
    error = error_of(response)
    assert (error["code"], error["field"]) == (code, field)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])


def test_submission_with_wrong_shapes(client: TestClient, auth: dict[str, str]) -> None:
    headers = {**auth, "Idempotency-Key": "k"}
    for body, field in [
        ({"business": "seal", "rows": "x"}, "rows"),
        ({"business": "seal", "rows": [1]}, "rows[0]"),
        ({"business": "seal", "rows": [{}], "attachments": [3]}, "attachments[0]"),
        ({"business": "seal", "rows": [{}], "extra": 1}, "extra"),
    ]:
        response = client.post(f"{API}/submissions", json=body, headers=headers)
        assert response.status_code == 422, body
        assert error_of(response)["field"] == field


def test_unknown_path_and_method_are_structured(client: TestClient, auth: dict[str, str]) -> None:
    assert error_of(client.get(f"{API}/nowhere", headers=auth))["code"] == "not_found"
    assert error_of(client.delete(f"{API}/policy", headers=auth))["code"] == "method_not_allowed"
    bad_id = client.get(f"{API}/submissions/abc", headers=auth)
    assert bad_id.status_code == 422 and error_of(bad_id)["field"] == "submission_id"


def test_committed_openapi_document_matches_the_code() -> None:
    with open(OPENAPI_PATH, encoding="utf-8") as fh:
        committed = fh.read()
    assert committed == openapi_text(), (
        "docs/api/openapi.json is stale: run `python -m fundserver openapi > docs/api/openapi.json`"
    )
    paths = json.loads(committed)["paths"]
    assert "/api/v1/submissions" in paths and "/api/v1/persons/lookup" in paths


@pytest.mark.parametrize(
    ("amount", "method", "expected"),
    [
        ("186.5", "half_up_yuan", "187.00"),
        ("186.45", "half_up_jiao", "186.50"),
        ("186.459", "down_fen", "186.45"),
        ("228.39", "carry_jiao_to_yuan", "229.00"),
        ("228.04", "carry_jiao_to_yuan", "228.00"),
        ("186.45", "carry_fen_to_jiao", "186.50"),
    ],
)
def test_server_rounding(amount: str, method: str, expected: str) -> None:
    from decimal import Decimal

    assert str(round_amount(Decimal(amount), method)) == expected


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/submissions/{2**70}",
        f"/api/v1/submissions?since={2**70}",
        f"/api/v1/roster?since={2**70}",
        f"/api/v1/roster?page={2**70}",
    ],
)
def test_a_huge_number_is_bad_input_not_a_server_error(
    client: TestClient, auth: dict[str, str], path: str
) -> None:
    response = client.get(path, headers=auth)
    assert response.status_code == 422
    assert response.json()["error"]["code"]
