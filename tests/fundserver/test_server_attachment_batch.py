"""POST /attachments/batch: several documents a request, each checked and answered alone."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from fs_helpers import API, error_of, login
from sqlalchemy import event
from test_server_attachments import PDF, PNG, upload

from fundserver.limits import MAX_BATCH_UPLOAD_BYTES
from fundserver.routes.attachment_batch import MAX_FILES


def _send(
    client: TestClient,
    headers: dict[str, str],
    contents: list[bytes],
    *,
    sha256: list[str] | None = None,
    business: str = "open-account",
) -> Any:
    return client.post(
        f"{API}/attachments/batch",
        headers=headers,
        files=[
            ("files", (f"doc{i}.bin", c, "application/octet-stream"))
            for i, c in enumerate(contents)
        ],
        data={
            "sha256": sha256 or [hashlib.sha256(c).hexdigest() for c in contents],
            "material": ["身份证复印件"] * len(contents),
            "business": [business] * len(contents),
        },
    )


def _results(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    return list(response.json()["results"])


def test_each_document_is_checked_and_answered_on_its_own(
    client: TestClient, auth: dict[str, str], fund_app: FastAPI
) -> None:
    before = upload(client, auth, PDF).json()["id"]
    other = PNG + b"another page"
    results = _results(
        _send(
            client,
            auth,
            [PNG, b"plain text, no image", PDF, other, PNG],
            sha256=[
                hashlib.sha256(PNG).hexdigest(),
                hashlib.sha256(b"plain text, no image").hexdigest(),
                hashlib.sha256(PDF).hexdigest(),
                "0" * 64,  # damaged on the way
                hashlib.sha256(PNG).hexdigest(),
            ],
        )
    )

    assert [r["status"] for r in results] == [201, 415, 200, 422, 200]
    assert results[0]["attachment"]["id"] == hashlib.sha256(PNG).hexdigest()
    assert results[0]["attachment"]["content_type"] == "image/png"
    assert results[1]["error"]["code"] == "unsupported_type"
    assert results[2]["attachment"]["id"] == before  # uploaded before, one at a time
    assert results[3]["error"]["code"] == "checksum_mismatch"
    assert results[4]["attachment"] == results[0]["attachment"]  # the same page twice
    stored = sorted(p.name for p in Path(fund_app.state.fund.storage_dir).rglob("*") if p.is_file())
    assert stored == sorted({hashlib.sha256(PNG).hexdigest(), before})


def test_a_replayed_batch_gets_the_same_ids_and_stores_nothing_twice(
    client: TestClient, auth: dict[str, str], fund_app: FastAPI
) -> None:
    pages = [PNG + bytes([n]) for n in range(3)]
    commits: list[Any] = []
    count = commits.append
    event.listen(fund_app.state.engine, "commit", count)
    try:
        first = _results(_send(client, auth, pages))
    finally:
        event.remove(fund_app.state.engine, "commit", count)
    assert len(commits) == 1  # the three claims in one transaction
    again = _results(_send(client, auth, pages))

    assert [r["status"] for r in first] == [201] * 3 and [r["status"] for r in again] == [200] * 3
    assert [r["attachment"]["id"] for r in again] == [r["attachment"]["id"] for r in first]
    single = upload(client, auth, pages[1])
    assert single.status_code == 200 and single.json()["id"] == first[1]["attachment"]["id"]
    stored = [p for p in Path(fund_app.state.fund.storage_dir).rglob("*") if p.is_file()]
    assert len(stored) == 3
    other_unit = _results(_send(client, login(client, "100002"), pages[:1]))
    assert other_unit[0]["status"] == 201  # its own claim on the same content


def test_a_batch_needs_a_login(client: TestClient) -> None:
    response = _send(client, {}, [PNG])
    assert response.status_code == 401
    assert error_of(response)["code"] == "auth_required"


def test_an_unknown_business_is_that_documents_refusal(
    client: TestClient, auth: dict[str, str]
) -> None:
    results = _results(_send(client, auth, [PNG], business="no-such"))
    assert results[0]["status"] == 422 and results[0]["error"]["code"] == "unknown_business"


def test_too_many_documents_or_fields_that_do_not_match_are_refused_whole(
    client: TestClient, auth: dict[str, str]
) -> None:
    many = _send(client, auth, [PNG + bytes([n % 256, n // 256]) for n in range(MAX_FILES + 1)])
    assert many.status_code == 422 and error_of(many)["code"] == "too_many_files"
    mismatched = _send(client, auth, [PNG, PDF], sha256=[hashlib.sha256(PNG).hexdigest()])
    assert mismatched.status_code == 422
    assert error_of(mismatched)["code"] == "upload_fields_mismatch"


def test_a_body_over_the_batch_limit_is_refused_before_it_is_read(
    client: TestClient, auth: dict[str, str]
) -> None:
    response = client.post(
        f"{API}/attachments/batch",
        headers={
            **auth,
            "Content-Type": "multipart/form-data; boundary=b",
            "Content-Length": str(MAX_BATCH_UPLOAD_BYTES * 2),
        },
        content=b"--b--\r\n",
    )
    assert response.status_code == 413 and error_of(response)["code"] == "too_large"
