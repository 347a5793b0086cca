"""Bad input to the API: bodies bounded before reading, strict JSON, no 500 on odd values."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from fs_helpers import API, error_of

from fundserver import limits

CHUNK = 64 * 1024


def _post(client: TestClient, auth: dict[str, str], raw: bytes) -> Any:
    headers = {**auth, "Idempotency-Key": "k-1", "Content-Type": "application/json"}
    return client.post(f"{API}/submissions", content=raw, headers=headers)


def _body(value: str) -> bytes:
    return ('{"business": "open-account", "rows": [{"base": ' + value + "}]}").encode()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (_body("NaN"), "请求内容含有非法数值（NaN 或 Infinity）"),
        (_body("Infinity"), "请求内容含有非法数值（NaN 或 Infinity）"),
        (_body("-Infinity"), "请求内容含有非法数值（NaN 或 Infinity）"),
        (_body("1e400"), "请求内容含有超出范围的数值"),
        (_body("1" + "0" * 5000), "请求内容含有超出范围的数值"),
        (_body('"\\ud800"'), "请求内容含有无效的字符（不成对的代理字符）"),
        (_body('"a\\u0000b"'), "请求内容含有无效的字符（空字符）"),
        (_body('"x"').replace(b"x", b"\xff"), "请求内容不是有效的 UTF-8 编码"),
        (_body("[" * 2000 + "]" * 2000), "请求内容嵌套超过 32 层"),
        (_body('"' + "长" * 10_001 + '"'), "请求内容中有超过 10000 个字符的文字"),
    ],
    ids=["nan", "inf", "-inf", "1e400", "10^5000", "surrogate", "nul", "utf8", "deep", "long"],
)
def test_json_python_would_take_but_json_does_not_is_malformed(
    client: TestClient, auth: dict[str, str], raw: bytes, message: str
) -> None:
    response = _post(client, auth, raw)
    assert response.status_code == 400
    assert error_of(response) == {"code": "malformed_json", "message": message, "field": None}


def test_nothing_odd_was_stored(client: TestClient, auth: dict[str, str]) -> None:
    _post(client, auth, _body("NaN"))
    assert client.get(f"{API}/submissions", headers=auth).json()["items"] == []


def test_a_body_over_the_limit_is_refused(
    client: TestClient, auth: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_JSON_BYTES", 2 * 1024 * 1024)
    rows = [{"name": "李" * 100} for _ in range(5000)]
    raw = json.dumps({"business": "open-account", "rows": rows}).encode()
    response = _post(client, auth, raw)
    assert response.status_code == 413
    assert error_of(response) == {
        "code": "too_large",
        "message": "请求内容过大（上限 2 MB）",
        "field": None,
    }


PART = (
    b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
    b"Content-Type: application/pdf\r\n\r\n%PDF-"
)


def _drive(
    app: Any, path: str, content_type: str, declared: int | None, first: bytes = b""
) -> tuple[int, int]:
    """Send an endless body to the app at ASGI level: (status, bytes the app pulled)."""
    pulled = 0
    status = 0
    headers = [(b"content-type", content_type.encode())]
    if declared is not None:
        headers.append((b"content-length", str(declared).encode()))
    scope = {"type": "http", "method": "POST", "path": path, "raw_path": path.encode(),
             "query_string": b"", "headers": headers, "client": ("127.0.0.1", 1),
             "server": ("127.0.0.1", 80), "scheme": "http", "http_version": "1.1",
             "root_path": "", "app": app}  # fmt: skip

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        chunk = first if pulled == 0 and first else b"x" * CHUNK
        pulled += len(chunk)
        if pulled > 200 * 1024 * 1024:
            raise AssertionError("the whole endless body was read")
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    asyncio.run(app(scope, receive, send))
    return status, pulled


@pytest.fixture
def small_attachments(fund_app: FastAPI) -> Iterator[int]:
    fund_app.state.fund.policy = {**fund_app.state.fund.policy, "attachments": {"max_bytes": 10}}
    yield 10 + limits.MULTIPART_OVERHEAD


def test_a_declared_length_over_the_limit_is_refused_unread(fund_app: FastAPI) -> None:
    status, _ = _drive(fund_app, f"{API}/submissions", "application/json", 2**40)
    assert status == 413
    status, _ = _drive(fund_app, f"{API}/attachments", "multipart/form-data; boundary=b", 2**40)
    assert status == 413


def test_a_streamed_upload_is_cut_off_at_the_limit(
    fund_app: FastAPI, small_attachments: int
) -> None:
    ctype = "multipart/form-data; boundary=b"
    status, pulled = _drive(fund_app, f"{API}/attachments", ctype, None, PART)
    assert status == 413 and pulled <= small_attachments + CHUNK


def test_a_streamed_json_body_is_cut_off_at_the_limit(fund_app: FastAPI) -> None:
    status, pulled = _drive(fund_app, f"{API}/submissions", "application/json", None)
    assert status == 413 and pulled <= limits.MAX_JSON_BYTES + CHUNK


def test_row_fields_and_counts_are_capped(client: TestClient, auth: dict[str, str]) -> None:
    long_name = json.dumps({"business": "seal", "rows": [{"k" * 65: "v"}]}).encode()
    assert _post(client, auth, long_name).status_code == 422
    wide = json.dumps({"business": "seal", "rows": [{f"f{n}": n for n in range(201)}]})
    assert _post(client, auth, wide.encode()).status_code == 422


def test_a_huge_roster_page_is_bad_input_not_a_server_error(
    client: TestClient, auth: dict[str, str]
) -> None:
    response = client.get(f"{API}/roster", params={"page": 2**63 - 1}, headers=auth)
    assert response.status_code == 422
    assert error_of(response)["field"] == "page"


def test_a_wrong_method_names_every_allowed_one(client: TestClient) -> None:
    response = client.request("OPTIONS", f"{API}/submissions")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST"
    assert error_of(response)["code"] == "method_not_allowed"


def test_openapi_states_the_business_codes_and_the_required_key(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    post = doc["paths"][f"{API}/submissions"]["post"]
    key = next(p for p in post["parameters"] if p["name"] == "Idempotency-Key")
    assert key["required"] is True
    business = doc["components"]["schemas"]["SubmissionRequest"]["properties"]["business"]
    assert business["enum"][:2] == ["open-account", "seal"]


def test_a_nul_in_a_query_or_form_field_is_bad_input(
    client: TestClient, auth: dict[str, str]
) -> None:
    """PostgreSQL refuses NUL in text: it must be refused as input, not fail as a 500."""
    params = {"name": "a\x00b", "id_number": "410202199001010012"}
    response = client.get(f"{API}/persons/lookup", params=params, headers=auth)
    assert response.status_code == 422
    assert error_of(response)["message"] == "请求参数含有无效的字符（空字符）"
    form = {"sha256": "0" * 64, "material": "a\x00b", "business": "seal"}
    files = {"file": ("a.pdf", b"%PDF-1.4", "application/pdf")}
    upload = client.post(f"{API}/attachments", data=form, files=files, headers=auth)
    assert upload.status_code == 422 and error_of(upload)["field"] == "material"
