"""The 汇缴核定 page: figures shown as a clerk checks a bill, the people behind them, 导出 to
.xlsx (read back), 保存 then 提交, and offline saying what needs the centre."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.models import OutboxItem
from app.services.attachments import AttachmentService
from app.services.context import AppServices
from app.services.payments.assessment import RemittanceAssessments
from app.views.payments.remittance_page import RemittancePage
from tests.services.payments.fakes import FakeCentre, seed_unit

TODAY = date(2026, 11, 26)


@pytest.fixture
def centre() -> FakeCentre:
    return FakeCentre()


@pytest.fixture
def page(qtbot: QtBot, services: AppServices, centre: FakeCentre) -> RemittancePage:
    unit_id = seed_unit(services)
    service = RemittanceAssessments(
        services.store,
        unit_id,
        lambda: services.units.policy(unit_id),
        profile=lambda: services.units.profile(unit_id),
        centre=lambda: centre,
        today=lambda: TODAY,
    )
    widget = RemittancePage(
        service, AttachmentService(services.store, unit_id), lambda: services.units.policy(unit_id)
    )
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.figures is not None and widget.working is None)
    return widget


def test_the_page_shows_every_figure_and_the_people_behind_it(
    page: RemittancePage, qtmodeltester: ModelTester
) -> None:
    shown = {key: label.text() for key, label in page.values.items()}
    assert shown["month"] == "2026年10月"
    assert shown["monthly_total"] == "1,500.00 元"
    assert shown["temporary_balance"] == "1,286.40 元"
    assert shown["assessed_total"] == "213.60 元"
    assert shown["this_month"] == "2 人，1,500.00 元"
    assert "中心没有 2026-09 的汇缴核定记录" in page.notes.text()
    people = [
        [page.model.index(r, c).data() for c in (0, 1, 3)] for r in range(page.model.rowCount())
    ]
    # Amounts grouped as the figures above write them (it read 1000.00 under "1,500.00 元").
    assert people == [["A", "职工A", "1,000.00"], ["B", "职工B", "500.00"]]
    qtmodeltester.check(page.model)


def test_export_writes_the_itemised_list_to_xlsx(page: RemittancePage, tmp_path: Path) -> None:
    written = page.export(str(tmp_path / "明细.xlsx"))
    assert written is not None
    sheet = load_workbook(written, read_only=True).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:5] == ["核定月份", "个人账号", "姓名", "缴存基数", "本月月缴存额"]
    assert [(r[1], r[4]) for r in rows[1:]] == [("A", "1000.00"), ("B", "500.00")]


def test_save_then_submit_puts_the_month_in_the_outbox(
    page: RemittancePage, qtbot: QtBot, services: AppServices
) -> None:
    assert not page.buttons["submit"].isEnabled()
    qtbot.mouseClick(page.buttons["save"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.working is None and page.buttons["submit"].isEnabled())
    assert "已保存 2026-10 的汇缴核定" in page.message.text()
    qtbot.mouseClick(page.buttons["submit"], Qt.MouseButton.LeftButton)
    dialog = page.submit_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.submit_button.isEnabled)  # the default policy asks no material
    with qtbot.waitSignal(page.submitted, timeout=10_000):
        qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)
    with services.store.session() as session:
        item = session.scalars(select(OutboxItem)).one()
        assert item.business == "remittance" and {r["month"] for r in item.rows} == {"2026-10"}
    # A second assessment of the month is refused, naming the first.
    qtbot.mouseClick(page.buttons["assess"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.working is None)
    assert f"提交编号 {item.id}" in page.message.text()


def test_offline_the_balance_reads_as_needing_the_centre(
    qtbot: QtBot, page: RemittancePage, centre: FakeCentre
) -> None:
    centre.offline = True
    qtbot.mouseClick(page.buttons["assess"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.working is None)
    assert page.values["temporary_balance"].text() == "需联网"
    assert page.values["assessed_total"].text() == "需联网"
    assert page.values["monthly_total"].text() == "1,500.00 元"
    assert "暂存款余额须联网" in page.notes.text()
