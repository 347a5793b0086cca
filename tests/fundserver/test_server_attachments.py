"""Attachment upload: checksum, size and type limits from policy, content-addressed storage."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from fs_helpers import API, error_of, login

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(
    client: TestClient,
    headers: dict[str, str],
    content: bytes,
    *,
    sha256: str | None = None,
    material: str = "身份证复印件",
    business: str = "open-account",
) -> Any:
    return client.post(
        f"{API}/attachments",
        headers=headers,
        files={"file": ("doc.bin", content, "application/octet-stream")},
        data={
            "sha256": sha256 or hashlib.sha256(content).hexdigest(),
            "material": material,
            "business": business,
        },
    )


def test_upload_returns_content_address(client: TestClient, auth: dict[str, str]) -> None:
    response = upload(client, auth, PDF)
    assert response.status_code == 201
    body = response.json()
    digest = hashlib.sha256(PDF).hexdigest()
    assert body["id"] == body["sha256"] == digest
    assert body["size"] == len(PDF)
    assert body["content_type"] == "application/pdf"


def test_same_content_is_stored_once_under_the_same_id(
    client: TestClient, auth: dict[str, str], fund_app: Any
) -> None:
    first = upload(client, auth, PDF)
    again = upload(client, auth, PDF)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    stored = [p for p in Path(fund_app.state.fund.storage_dir).rglob("*") if p.is_file()]
    assert [p.name for p in stored] == [first.json()["id"]]
    assert stored[0].read_bytes() == PDF


def test_another_unit_uploading_the_same_content_gets_the_same_id(
    client: TestClient, auth: dict[str, str]
) -> None:
    first = upload(client, auth, PDF).json()
    other = upload(client, login(client, "100002"), PDF)
    assert other.status_code == 201
    assert other.json()["id"] == first["id"]


def test_checksum_mismatch_is_refused_in_chinese(client: TestClient, auth: dict[str, str]) -> None:
    response = upload(client, auth, PDF, sha256="0" * 64)
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "checksum_mismatch" and error["field"] == "sha256"
    assert "校验值" in error["message"]


def test_type_not_in_policy_is_refused(client: TestClient, auth: dict[str, str]) -> None:
    # Kaifeng's policy accepts pdf/jpg/png/tiff, not BMP; and text is never a scan.
    for content in (b"BM" + b"\x00" * 64, b"just some text"):
        response = upload(client, auth, content)
        assert response.status_code == 415
        error = error_of(response)
        assert error["code"] == "unsupported_type" and "PDF" in error["message"]
    assert upload(client, auth, PNG).json()["content_type"] == "image/png"


def test_size_limit_comes_from_policy(
    client: TestClient, auth: dict[str, str], fund_app: Any
) -> None:
    fund_app.state.fund.policy = {
        "attachments": {"max_bytes_per_document": 100, "accepted_file_types": ["pdf"]}
    }
    big = PDF + b"0" * 100
    response = upload(client, auth, big)
    assert response.status_code == 413
    assert error_of(response)["code"] == "file_too_large"
    assert upload(client, auth, PDF).status_code == 201


def test_unknown_business_and_missing_fields(client: TestClient, auth: dict[str, str]) -> None:
    response = upload(client, auth, PDF, business="lottery")
    assert response.status_code == 422
    assert error_of(response)["field"] == "business"
    missing = client.post(f"{API}/attachments", headers=auth, data={"sha256": "x"})
    assert missing.status_code == 422
    assert error_of(missing)["code"] == "field_required"


def test_upload_needs_login(client: TestClient) -> None:
    assert upload(client, {}, PDF).status_code == 401


def test_fallback_limits_without_an_attachment_section(
    client: TestClient, auth: dict[str, str], fund_app: Any
) -> None:
    fund_app.state.fund.policy = {}
    assert upload(client, auth, b"BM" + b"\x00" * 64).json()["content_type"] == "image/bmp"
