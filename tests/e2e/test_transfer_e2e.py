"""内部转移 end to end: a person sealed at 100002 moves into 100001 through the command line,
the reviewer approves one row and sends the other back, 内部转移查询's 中心记录 shows both,
and 重新修改 brings the refused row back into the 清册 (issue 9 points 9–11)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.cli import run
from app.services.businesses import SPECS
from app.services.context import AppServices
from app.services.engine.centre_records import CentreRecords, RecordKind
from app.services.engine.pending import PendingLists
from app.services.roster import RosterService, fetch_from
from app.services.session import CentreSession
from app.views.business.centre_records import CentreRecordsPanel
from fundserver.demo import DemoCredentials
from fundserver.process import FundServerProcess

pytestmark = pytest.mark.e2e


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_person_sealed_at_another_unit_moves_in_and_a_refused_row_comes_back(
    qtbot: QtBot,
    services: AppServices,
    fresh_fundserver: FundServerProcess,
    demo_credentials: DemoCredentials,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    session = CentreSession(services)
    url, password = fresh_fundserver.url, demo_credentials.password
    old_unit = session.login(url, "100002", password).unit
    old_roster = RosterService(services.store, old_unit.id)
    old_roster.sync(fetch_from(session.client(old_unit)))
    moving, refused = [e for e in old_roster.roster().entries if e.status == "封存"][:2]
    unit = session.login(url, demo_credentials.unit_code, password).unit  # current from here

    listing = tmp_path / "转移.csv"
    listing.write_text(
        f"姓名,证件号码\n{moving.name},{moving.id_number}\n{refused.name},{refused.id_number}\n",
        encoding="utf-8",
    )
    code, out, err = cli(capsys, "import", "transfer", str(listing))
    assert code == 0, out + err
    code, out, err = cli(capsys, "submit", "transfer")
    assert code == 0, out + err
    code, out, err = cli(capsys, "sync")
    assert code == 0 and "已上传 1 笔" in out, out + err

    listed = fresh_fundserver.review("list", "--business", "transfer", "--json")
    [submission] = json.loads(listed.stdout)
    assert [r["name"] for r in submission["rows"]] == [moving.name, refused.name]
    approved = fresh_fundserver.review(
        "approve", str(submission["id"]), "--reject-row", "2=请先提供原单位的封存证明"
    )
    assert approved.returncode == 0, approved.stderr
    code, out, err = cli(capsys, "sync")
    assert code == 0, out + err

    arrived = RosterService(services.store, unit.id).get(moving.account_no)
    assert arrived is not None and (arrived.name, arrived.status) == (moving.name, "正常")
    old_roster.sync(fetch_from(session.client(old_unit)))
    assert old_roster.get(moving.account_no) is None  # gone from 100002's roster
    assert old_roster.get(refused.account_no) is not None  # the refused one stays there

    pending = PendingLists(
        services.store, SPECS["transfer"], unit.id, lambda: services.units.policy(unit.id)
    )
    records = CentreRecords(
        services.store,
        unit.id,
        lambda: session.client(unit),
        RecordKind.rows_of("内部转移", ("transfer",)),
    )
    reopened: list[int] = []

    def reopen(code: str, outbox_id: int) -> str:
        reopened.append(pending.reopen(outbox_id))
        return SPECS[code].list_name

    panel = CentreRecordsPanel(records, reopen=reopen)
    qtbot.addWidget(panel)
    assert panel.fetch() is not None
    qtbot.waitUntil(lambda: panel.op is None, timeout=30_000)
    shown = [panel.model.item(i) for i in range(panel.model.rowCount())]
    assert [(r["name"], r["state"], r["review_reason"]) for r in shown] == [
        (moving.name, "审核通过", ""),
        (refused.name, "退回", "请先提供原单位的封存证明"),
    ]
    assert "转出单位名称 开封市汴梁食品有限公司" in shown[0]["details"]
    assert all(r.from_this_pc for r in shown)

    panel.table.selectRow(0)
    assert not panel.reopen_button.isEnabled()  # an approved row is not for 重新修改
    panel.table.selectRow(1)
    assert panel.reopen_button.isEnabled()
    qtbot.mouseClick(panel.reopen_button, Qt.MouseButton.LeftButton)
    assert "已取回到待转移清册" in panel.message.text()
    assert [r.values["name"] for r in pending.rows()] == [refused.name]
