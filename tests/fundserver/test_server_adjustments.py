"""缴存比例调整 and 缴存基数调整 on the centre: 已复核, 已使用, new figures, per-row rejection."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fs_helpers import API
from test_server_review import review
from test_server_submissions import submit

CHANGE = {"effective_month": "2025-07", "unit_ratio": "0.10", "personal_ratio": "0.08"}


def _roster(client: TestClient, auth: dict[str, str]) -> list[dict[str, Any]]:
    return list(client.get(f"{API}/roster", params={"since": 0}, headers=auth).json()["items"])


def _state(client: TestClient, auth: dict[str, str], submission_id: int) -> str:
    return str(client.get(f"{API}/submissions/{submission_id}", headers=auth).json()["state"])


def _unit(client: TestClient, auth: dict[str, str]) -> dict[str, Any]:
    return dict(client.get(f"{API}/unit", headers=auth).json())


def _ratio_record(client: TestClient, auth: dict[str, str]) -> dict[str, Any]:
    """The centre's record of the unit's one ratio change, as 缴存比例调整查询 reads it."""
    page = client.get(f"{API}/records", params={"business": "ratio-change"}, headers=auth)
    (record,) = page.json()["items"]
    return dict(record)


def _paying(client: TestClient, auth: dict[str, str]) -> list[dict[str, Any]]:
    return [p for p in _roster(client, auth) if p["status"] == "正常"]


def test_ratio_change_waits_for_a_base_change(
    client: TestClient, auth: dict[str, str], database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _unit(client, auth)
    ratio = submit(client, auth, key="r", business="ratio-change", rows=[CHANGE]).json()
    assert review(capsys, database_url, "approve", str(ratio["id"]))[0] == 0
    assert _state(client, auth, ratio["id"]) == "已复核"
    assert _unit(client, auth)["unit_ratio"] == before["unit_ratio"]  # not in force yet
    record = _ratio_record(client, auth)
    reviewed_on = record["details"]["复核日期"]
    assert date.fromisoformat(reviewed_on) and "使用日期" not in record["details"]
    assert (record["state"], record["month"]) == ("已复核", "2025-07")
    assert (record["details"]["单位缴存比例"], record["details"]["个人缴存比例"]) == ("10%", "8%")

    first, second = _paying(client, auth)[:2]
    rows = [
        {"account_no": first["account_no"], "effective_month": "2025-07", "base": "6000"},
        {"account_no": second["account_no"], "effective_month": "2025-07", "base": "7000"},
    ]
    base = submit(client, auth, key="b", business="base-change", rows=rows).json()
    code, out = review(
        capsys, database_url, "approve", str(base["id"]), "--reject-row", "2=工资表不符"
    )
    assert code == 0, out
    assert _state(client, auth, ratio["id"]) == "已使用"
    details = _ratio_record(client, auth)["details"]
    assert details["复核日期"] == reviewed_on and date.fromisoformat(details["使用日期"])
    assert details["使用于基数调整"] == str(base["id"])
    result = client.get(f"{API}/submissions/{ratio['id']}", headers=auth).json()["result"]
    assert (result["reviewed_on"], result["used_by"]) == (reviewed_on, base["id"])
    unit = _unit(client, auth)
    assert (Decimal(unit["unit_ratio"]), Decimal(unit["personal_ratio"])) == (
        Decimal("0.10"),
        Decimal("0.08"),
    )
    after = {p["account_no"]: p for p in _roster(client, auth)}
    assert Decimal(after[first["account_no"]]["base"]) == Decimal("6000")
    assert Decimal(after[second["account_no"]]["base"]) == Decimal(second["base"])  # rejected
    body = client.get(f"{API}/submissions/{base['id']}", headers=auth).json()
    assert body["result"]["rejected_rows"] == [{"row": 2, "reason": "工资表不符"}]


def test_bad_rows_are_refused_with_their_number(
    client: TestClient, auth: dict[str, str], database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = {**CHANGE, "effective_month": "2025-13"}
    ratio = submit(client, auth, key="r", business="ratio-change", rows=[bad]).json()
    code, out = review(capsys, database_url, "approve", str(ratio["id"]))
    assert code == 1 and "调整年月“2025-13”不正确" in out
    early = {**CHANGE, "effective_month": "2025-05"}
    ratio = submit(client, auth, key="r2", business="ratio-change", rows=[early]).json()
    code, out = review(capsys, database_url, "approve", str(ratio["id"]))
    assert code == 1 and "不能早于或等于单位缴至年月" in out

    person = _paying(client, auth)[0]
    rows = [
        {"account_no": person["account_no"], "effective_month": "2025-07", "base": "6000"},
        {"account_no": "nobody", "effective_month": "2025-07", "base": "6000"},
    ]
    base = submit(client, auth, key="b", business="base-change", rows=rows).json()
    code, out = review(capsys, database_url, "approve", str(base["id"]))
    assert code == 1 and "第 2 行的职工不在本单位" in out
    wrong = [{**rows[0], "unit_ratio": "0.05"}]
    base = submit(client, auth, key="b2", business="base-change", rows=wrong).json()
    code, out = review(capsys, database_url, "approve", str(base["id"]))
    assert code == 1 and "第 1 行的单位缴存比例 0.05 与中心现行的" in out
