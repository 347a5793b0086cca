"""开户查询 against fundserver: it refreshes itself after an approval (issue 8 point 13) and
shows the centre's records of every opening of the unit, marked, detailed, exported (point 15)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QThreadPool
from pytestqt.qtbot import QtBot

from app.models import OutboxItem
from app.services.attachments import AttachmentService
from app.services.businesses import SPECS
from app.services.context import AppServices
from app.services.engine.centre_records import CentreRecords
from app.services.engine.history import SubmissionHistory
from app.services.engine.pending import PendingLists
from app.services.outbox import OutboxSync
from app.services.session import CentreSession
from app.views.business.centre_records import CentreRecordsPanel, RecordDialog
from app.views.business.query_page import QueryPage
from app.views.changes import ChangeHub
from app.views.sync_controller import SyncController
from fundserver.demo import DemoCredentials
from fundserver.process import FundServerProcess
from tests.e2e.test_outbox_e2e import id_card_scan
from tests.ids import resident_id

pytestmark = pytest.mark.e2e


@pytest.fixture
def pool() -> Iterator[QThreadPool]:
    own = QThreadPool()
    yield own
    own.waitForDone(30_000)


def test_the_query_page_follows_an_approval_and_shows_the_centres_records(
    qtbot: QtBot,
    services: AppServices,
    fresh_fundserver: FundServerProcess,
    demo_credentials: DemoCredentials,
    pool: QThreadPool,
    tmp_path: Path,
) -> None:
    session = CentreSession(services)
    unit = session.login(
        fresh_fundserver.url, demo_credentials.unit_code, demo_credentials.password
    ).unit
    pending = PendingLists(
        services.store, SPECS["open-account"], unit.id, lambda: services.units.policy(unit.id)
    )
    pending.add(
        {
            "name": "欧阳晨",
            "id_number": resident_id("41020319930412003"),
            "mobile": "13800138000",
            "base": "5200",
        }
    )
    AttachmentService(services.store, unit.id).add(
        "open-account",
        pending.list_id(),
        "身份证复印件",
        [id_card_scan(tmp_path, "card")],
        services.units.policy(unit.id),
    )
    item_id = pending.submit()

    hub = ChangeHub()
    outbox = OutboxSync(services.store, unit.id, lambda: session.client(unit))
    controller = SyncController(lambda: outbox, pool=pool, hub=hub)
    panel = CentreRecordsPanel(CentreRecords(services.store, unit.id, lambda: session.client(unit)))
    page = QueryPage(
        "开户查询",
        SubmissionHistory(services.store, unit.id),
        ("open-account",),
        lambda code, outbox_id: "",
        hub=hub,
        centre=panel,
    )
    qtbot.addWidget(page)
    page.show()
    state = lambda: page.model.index(0, 5).data()  # noqa: E731
    assert state() == "待上传"

    with qtbot.waitSignal(controller.finished, timeout=30_000):
        controller.sync_now()
    assert state() == "待审核"
    with services.store.session() as db:
        server_id = db.get_one(OutboxItem, item_id).server_id
    assert fresh_fundserver.review("approve", str(server_id)).returncode == 0
    with qtbot.waitSignal(controller.finished, timeout=30_000):
        controller.sync_now()  # what the 60 s timer does: nobody touches the page
    assert state() == "审核通过"
    account_no = page.model.index(0, 4).data()
    assert account_no

    # 中心记录: every opening of the unit (the demo's 40 and this one), this PC's marked.
    assert page.tabs is not None and page.tabs.tabText(1) == "中心记录"
    page.tabs.setCurrentIndex(1)
    op = panel.fetch()
    assert op is not None
    qtbot.waitUntil(lambda: panel.op is None, timeout=30_000)
    records = [panel.model.item(i) for i in range(panel.model.rowCount())]
    assert len(records) == 41
    ours = [r for r in records if r.from_this_pc]
    assert [(r["account_no"], r["name"]) for r in ours] == [(account_no, "欧阳晨")]
    assert records[0]["account_no"] == account_no  # newest first
    assert ours[0]["id_number_masked"] == "410203********003" + resident_id("41020319930412003")[-1]
    assert "本机提交 1 条" in panel.message.text()

    panel.table.selectRow(0)
    panel.show_detail()
    assert isinstance(panel.dialog, RecordDialog)
    assert "欧阳晨" in panel.dialog.windowTitle()

    saved = panel.export_to(str(tmp_path / "开户中心记录.xlsx"))
    assert saved is not None
    sheet = load_workbook(saved).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "开户日期",
        "个人账号",
        "姓名",
        "证件号码",
        "缴存基数",
        "月缴存额",
        "状态",
        "来源",
    )
    assert rows[1][1:3] == (account_no, "欧阳晨") and rows[1][7] == "本机提交"
    assert len(rows) == 42
    controller.stop()
