"""The whole flow through the real window against a real fundserver process:

log in → 个人开户 → 添加 → 全部提交 with a scanned page → sent by the sync → the reviewer
approves → 开户查询 shows the new 个人账号 and the roster has the person.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from app.services.context import AppServices
from app.services.outbox import OutboxSync
from app.services.roster import RosterService
from app.services.session import CentreSession
from app.views.business.pending_page import PendingPage
from app.views.business.query_page import QueryPage
from app.views.main_window import MainWindow
from app.views.pages import page_factories
from fundserver.demo import DemoCredentials
from fundserver.process import FundServerProcess
from tests.ids import resident_id
from tests.qt_typing import type_text

pytestmark = pytest.mark.e2e


NEW_HIRE = resident_id("41020420010923003")  # born 2001-09-23, male


def test_a_clerk_opens_an_account_end_to_end(
    qtbot: QtBot,
    services: AppServices,
    fresh_fundserver: FundServerProcess,
    demo_credentials: DemoCredentials,
    tmp_path: Path,
) -> None:
    session = CentreSession(services)
    window = MainWindow(services, page_factories(services), session=session)
    qtbot.addWidget(window)
    window.show()

    window.show_login(server_url=fresh_fundserver.url, unit_code=demo_credentials.unit_code)
    dialog = window.login_dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.password_edit, demo_credentials.password)
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=15_000)
    unit = services.units.current()
    assert unit is not None
    roster = RosterService(services.store, unit.id)
    qtbot.waitUntil(lambda: roster.count() == 40, timeout=15_000)

    window.tree.setCurrentItem(window.entry_item("open-account"))
    page = window.current_page()
    assert isinstance(page, PendingPage)
    name = page.form.editors["name"].widget
    assert isinstance(name, QLineEdit)
    type_text(qtbot, name, "欧阳新")
    for key, text in (("id_number", NEW_HIRE), ("mobile", "13700001111"), ("base", "5600")):
        field = page.form.editors[key].widget
        assert isinstance(field, QLineEdit)
        qtbot.keyClicks(field, text)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 1, page.message.text()

    qtbot.mouseClick(page.buttons["submit"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.submit_dialog is not None)  # rows are checked in the background
    submit = page.submit_dialog
    assert submit is not None
    scan = tmp_path / "id-card.jpg"
    Image.new("RGB", (600, 380), "white").save(scan, quality=90)
    submit.add_files("身份证复印件", [scan])
    qtbot.waitUntil(submit.submit_button.isEnabled, timeout=20_000)
    qtbot.mouseClick(submit.submit_button, Qt.MouseButton.LeftButton)

    outbox = OutboxSync(services.store, unit.id, lambda: session.client(unit))
    qtbot.waitUntil(lambda: outbox.counts()["已提交"] == 1, timeout=30_000)
    qtbot.waitUntil(lambda: window.outbox_label.text() == "待上传：0", timeout=10_000)

    listing = fresh_fundserver.review("list", "--json")
    pending_reviews = json.loads(listing.stdout)
    assert len(pending_reviews) == 1
    approved = fresh_fundserver.review("approve", str(pending_reviews[0]["id"]))
    assert approved.returncode == 0, approved.stderr

    assert window.sync is not None
    window.sync.sync_now()
    qtbot.waitUntil(lambda: outbox.review_counts().get("审核通过") == 1, timeout=30_000)

    window.tree.setCurrentItem(window.entry_item("open-account-query"))
    query = window.current_page()
    assert isinstance(query, QueryPage)
    query.refresh()
    model = query.model
    row = [model.index(0, c).data() for c in range(model.columnCount())]
    assert row[2] == "欧阳新" and row[5] == "审核通过"
    account_no = row[4]
    assert account_no.startswith(demo_credentials.unit_code)

    window.sync_roster()
    qtbot.waitUntil(lambda: roster.get(account_no) is not None, timeout=15_000)
    person = roster.get(account_no)
    assert person is not None and person.name == "欧阳新" and person.status == "正常"
