"""缴存比例调整 → 已复核 → 缴存基数调整 from the exported file → approved → the ratio 已使用.

The command line over the real services, against fundserver as a process: what a clerk's
script (or the window, through the same services) sees at each step.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PIL import Image

from app.cli import run
from app.models import Unit
from app.services.context import AppServices
from app.services.outbox import OutboxSync
from app.services.roster import RosterService
from app.services.rules.yearmonth import YearMonth
from app.services.session import CentreSession
from fundserver.demo import DemoCredentials
from fundserver.process import FundServerProcess

pytestmark = pytest.mark.e2e
NEW_BASE_COLUMN, NEW_TOTAL_COLUMN = 8, 9


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code = run([*argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err + out
    return json.loads(out)


def scan(folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    Image.new("RGB", (300, 200), "white").save(path)
    return path


def history_state(capsys: pytest.CaptureFixture[str], business: str) -> str:
    return str(cli(capsys, "history", business)[0]["status"])


def test_ratio_change_is_used_by_the_next_base_change(
    capsys: pytest.CaptureFixture[str],
    services: AppServices,
    fundserver: FundServerProcess,
    demo_credentials: DemoCredentials,
    tmp_path: Path,
) -> None:
    session = CentreSession(services)
    unit = session.login(fundserver.url, demo_credentials.unit_code, demo_credentials.password).unit
    outbox = OutboxSync(services.store, unit.id, lambda: session.client(unit))
    outbox.pull_roster()
    profile = services.units.profile(unit.id)
    month = str(YearMonth.parse(profile["paid_to"]) + 2)

    def approve_latest() -> None:
        outbox.sync()
        pending = fundserver.review("list", "--state", "pending", "--json")
        for record in json.loads(pending.stdout):
            assert fundserver.review("approve", str(record["id"])).returncode == 0
        outbox.sync()

    cli(capsys, "add", "ratio-change", f"调整年月={month}", "单位缴存比例=10%", "个人缴存比例=8%")
    resolution = f"职工代表大会或工会决议={scan(tmp_path, '决议')}"
    cli(capsys, "submit", "ratio-change", "--attach", resolution)
    approve_latest()
    assert history_state(capsys, "ratio-change") == "已复核"
    (reviewed,) = cli(capsys, "history", "ratio-change")
    reviewed_on = date.fromisoformat(reviewed["status_on"])  # the centre's approval day
    outbox.sync()  # no base change yet: it stays 已复核, the unit's ratios unchanged
    assert history_state(capsys, "ratio-change") == "已复核"
    assert services.units.profile(unit.id)["unit_ratio"] == profile["unit_ratio"]

    exported = tmp_path / "职工.xlsx"
    count = cli(capsys, "export", "base-change", "-o", str(exported))["employees"]
    book = openpyxl.load_workbook(exported)
    sheet = book["缴存职工"]
    assert "单位缴存比例 10%，个人缴存比例 8%" in str(sheet["A2"].value)
    first = next(sheet.iter_rows(min_row=4))
    account = str(first[0].value)
    first[NEW_TOTAL_COLUMN - 1].value = 1080  # 6000 × (10 % + 8 %), 四舍五入到元
    book.save(tmp_path / "改.xlsx")

    imported = cli(capsys, "import", "base-change", str(tmp_path / "改.xlsx"))
    assert imported["imported"] == count
    rows = cli(capsys, "pending", "list", "base-change")
    mine = next(r["values"] for r in rows if r["values"]["account_no"] == account)
    assert (mine["base"], mine["monthly_amount"], mine["effective_month"]) == (
        "6000.00",
        "1080.00",
        month,
    )
    assert mine["old_base"] and mine["old_monthly_amount"]
    review = cli(capsys, "review", "base-change")
    reviewed = {r["account_no"]: r for r in review["rows"]}
    assert reviewed[account]["new_base"] == "6000.00" and review["missing"] == []
    changes = [
        abs(Decimal(r["monthly_amount"]) - Decimal(r["old_monthly_amount"])) for r in review["rows"]
    ]
    assert changes == sorted(changes, reverse=True)  # the largest change first

    cli(capsys, "submit", "base-change", "--attach", f"工资表={scan(tmp_path, '工资表')}")
    approve_latest()
    assert history_state(capsys, "base-change") == "审核通过"
    (used,) = cli(capsys, "history", "ratio-change")
    assert used["status"] == "已使用" and date.fromisoformat(used["status_on"]) >= reviewed_on
    assert f"{reviewed_on.isoformat()} 复核通过" in used["note"]
    person = RosterService(services.store, unit.id).get(account)
    assert person is not None
    assert (person.base, person.unit_ratio, person.personal_ratio) == (
        Decimal("6000.00"),
        Decimal("0.10"),
        Decimal("0.08"),
    )
    with services.store.session() as db:
        now = db.get_one(Unit, unit.id).profile or {}
    assert (Decimal(now["unit_ratio"]), Decimal(now["personal_ratio"])) == (
        Decimal("0.10"),
        Decimal("0.08"),
    )
