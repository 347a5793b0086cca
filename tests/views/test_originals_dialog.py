"""本机影像资料: the clerk sees what this PC keeps and when it will be cleaned up."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from PIL import Image
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.models import Attachment, OutboxItem, PendingList
from app.services.attachments import DEFAULT_KEEP_DAYS, AttachmentService
from app.services.context import AppServices
from app.views.main_window import MainWindow

ID_CARD = "身份证复印件"


def test_kept_originals_are_listed_with_their_state_and_cleanup_day(
    qtbot: QtBot, services: AppServices, tmp_path: Path
) -> None:
    unit = services.units.add("100001", "开封示范科技有限公司")
    attachments = AttachmentService(services.store, unit.id)
    policy = services.units.policy(unit.id)
    scan = tmp_path / "scan.png"
    Image.new("RGB", (300, 200), "white").save(scan)
    accepted_on = datetime(2026, 11, 1, 9, 0)
    with services.store.session() as session:
        session.add_all(
            [
                PendingList(id=7, unit_id=unit.id, business="open-account"),
                PendingList(id=8, unit_id=unit.id, business="open-account", state="submitted"),
            ]
        )
    attachments.add("open-account", 7, ID_CARD, [scan], policy)  # still being prepared
    sent = attachments.add("open-account", 8, ID_CARD, [scan], policy)
    with services.store.session() as session:
        session.add(
            OutboxItem(
                unit_id=unit.id,
                business="open-account",
                idempotency_key="k",
                list_id=8,
                rows=[],
                attachment_ids=[sent.id],
                state="sent",
                review_state="审核通过",
                updated_at=accepted_on,
            )
        )
        session.get_one(Attachment, sent.id).server_id = "sha-of-it"

    window = MainWindow(services)
    qtbot.addWidget(window)
    window.originals_action.trigger()
    dialog = window.originals_dialog
    assert dialog is not None
    table = dialog.table
    rows = {
        table.item(r, 2).text(): [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    }
    assert set(rows) == {"未提交", "已通过"}
    assert rows["未提交"][4] == "审核通过后计算"
    assert rows["已通过"][:2] == ["个人开户", ID_CARD]
    assert rows["已通过"][4] == (accepted_on + timedelta(days=DEFAULT_KEEP_DAYS)).date().isoformat()


def test_nothing_kept_says_so_and_no_size(qtbot: QtBot, services: AppServices) -> None:
    services.units.add("100001", "开封示范科技有限公司")
    window = MainWindow(services)
    qtbot.addWidget(window)
    window.originals_action.trigger()
    dialog = window.originals_dialog
    assert dialog is not None
    summary = dialog.findChild(QLabel, "originalsSummary")
    assert isinstance(summary, QLabel)
    assert summary.text() == "本机目前没有保存的材料。"  # not "共 0 份材料，占用 1 KB"
