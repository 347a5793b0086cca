"""封存 then 启封 through the command line against a real fundserver process:

add (any one identifier) → submit with the policy's material → sync sends it → the reviewer
approves → sync pulls the review and the roster delta → `roster list` shows 封存, then 正常.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from app.cli import run
from app.services.context import AppServices
from app.services.session import CentreSession
from fundserver.demo import DemoCredentials
from fundserver.process import FundServerProcess

pytestmark = pytest.mark.e2e


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, (argv, out, err)
    return code, out


def roster(capsys: pytest.CaptureFixture[str], *status: str) -> list[dict[str, str]]:
    people: list[dict[str, str]] = json.loads(cli(capsys, "roster", "list", *status, "--json")[1])
    return people


def hand_in(
    capsys: pytest.CaptureFixture[str],
    server: FundServerProcess,
    business: str,
    fields: list[str],
    material: str,
    scan: Path,
) -> None:
    """add → submit → sync → the reviewer approves → sync (reviews and roster)."""
    cli(capsys, "add", business, *fields)
    cli(capsys, "submit", business, "--attach", f"{material}={scan}")
    cli(capsys, "sync")
    listed = json.loads(server.review("list", "--json").stdout)
    waiting = [s for s in listed if s["state_code"] == "pending"]
    assert [s["business"] for s in waiting] == [business], listed
    approved = server.review("approve", str(waiting[0]["id"]))
    assert approved.returncode == 0, approved.stderr
    cli(capsys, "sync")
    cli(capsys, "roster", "sync")


def test_seal_then_unseal_end_to_end(
    capsys: pytest.CaptureFixture[str],
    services: AppServices,
    fresh_fundserver: FundServerProcess,
    demo_credentials: DemoCredentials,
    tmp_path: Path,
) -> None:
    CentreSession(services).login(
        fresh_fundserver.url, demo_credentials.unit_code, demo_credentials.password
    )
    cli(capsys, "roster", "sync")
    person = roster(capsys, "--status", "正常")[0]
    scan = tmp_path / "proof.png"
    Image.new("RGB", (320, 200), "white").save(scan)

    hand_in(
        capsys,
        fresh_fundserver,
        "seal",
        [f"证件号码={person['id_number']}", "封存原因=离职"],
        "离职证明或解除劳动合同证明",
        scan,
    )
    [now] = [p for p in roster(capsys) if p["account_no"] == person["account_no"]]
    assert now["status"] == "封存"
    history = json.loads(cli(capsys, "history", "seal", "--json")[1])
    assert history[0]["status"] == "审核通过"
    assert history[0]["outcomes"][0]["name"] == person["name"]

    hand_in(
        capsys,
        fresh_fundserver,
        "unseal",
        [f"个人账号={person['account_no']}", "启封原因=重新就业"],
        "劳动合同",
        scan,
    )
    [again] = [p for p in roster(capsys) if p["account_no"] == person["account_no"]]
    assert again["status"] == "正常"
