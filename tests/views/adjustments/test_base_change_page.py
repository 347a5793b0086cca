"""The 缴存基数调整 page and its difference review: totals, flags, submit gated until reviewed."""

from __future__ import annotations

import csv
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.services.adjustments.review import DifferenceReview, DifferenceRow
from app.services.attachments import AttachmentService
from app.services.context import AppServices
from app.views.adjustments.base_change_page import BaseChangePage
from app.views.adjustments.review_dialog import DifferenceDialog
from app.views.business.pending_page import PendingPage
from app.views.business.query_page import QueryPage
from app.views.pages import page_factories
from tests.adjust_roster import small_unit
from tests.stall_probe import MAX_GAP, StallProbe


def make_page(qtbot: QtBot, services: AppServices) -> BaseChangePage:
    service = small_unit(services)
    page = BaseChangePage(
        service, AttachmentService(services.store, service.unit_id), service._policy
    )
    qtbot.addWidget(page)
    return page


def edited_file(tmp_path: Path) -> Path:
    path = tmp_path / "调整.csv"
    with path.open("w", encoding="gbk", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["个人账号", "姓名", "调整后缴存基数", "调整后月缴存额"])
        writer.writerow(["41000001", "张三", "5500", ""])
        writer.writerow(["41000002", "李四", "", "1680"])
        writer.writerow(["49999999", "外人甲", "5000", ""])
    return path


def test_submit_is_gated_until_the_review_was_opened(
    qtbot: QtBot,
    services: AppServices,
    tmp_path: Path,
    qtmodeltester: ModelTester,
) -> None:
    page = make_page(qtbot, services)
    assert "单位缴存比例 12%" in page.ratios.text()
    assert not page.buttons["submit"].isEnabled() and not page.buttons["review"].isEnabled()

    page.import_from(edited_file(tmp_path))
    qtbot.waitUntil(lambda: page.working is None and page.rows == 2, timeout=10_000)
    assert "1 人不在本单位花名册" in page.message.text()
    assert page.buttons["review"].isEnabled() and not page.buttons["submit"].isEnabled()
    page.submit()
    assert page.submit_dialog is None and "差异核对" in page.message.text()

    page.open_review()
    qtbot.waitUntil(lambda: page.review_dialog is not None, timeout=10_000)
    dialog = page.review_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2)
    assert "调整 2 人，未变化 0 人" in dialog.summary.text()
    assert "缴存基数合计 11,000.00 → 12,500.00" in dialog.summary.text()
    assert "月缴存额合计 2,640.00 → 3,000.00（+360.00）" in dialog.summary.text()
    assert "王五" in dialog.missing.text() and "=钱七" in dialog.missing.text()
    assert "外人甲" in dialog.strangers.text() and not dialog.strangers.isHidden()
    first = [dialog.model.index(0, c).data() for c in range(7)]
    assert first == ["41000002", "李四", "6,000.00", "7,000.00", "1,440.00", "1,680.00", "+240.00"]
    qtmodeltester.check(dialog.model)
    assert page.buttons["submit"].isEnabled()

    page.import_from(edited_file(tmp_path))  # a new file: review again
    qtbot.waitUntil(lambda: page.working is None, timeout=10_000)
    assert not page.buttons["submit"].isEnabled()


def test_export_from_the_page(qtbot: QtBot, services: AppServices, tmp_path: Path) -> None:
    page = make_page(qtbot, services)
    page.export_to(tmp_path / "职工.xlsx")
    qtbot.waitUntil(lambda: page.working is None, timeout=10_000)
    assert "已导出 4 名缴存职工" in page.message.text()
    sheet = openpyxl.load_workbook(tmp_path / "职工.xlsx")["缴存职工"]
    assert sheet.max_row == 3 + 4


@pytest.mark.stall
def test_a_review_of_100000_rows_opens_without_stalling(qtbot: QtBot) -> None:
    rows = [
        DifferenceRow(
            f"{n:08d}",
            "职工",
            Decimal(5000),
            Decimal(5000 + n % 7),
            Decimal(1200),
            Decimal(1200 + n % 7),
        )
        for n in range(100_000)
    ]
    review = DifferenceReview(rows=rows, changed=sum(r.changed for r in rows))
    warm = DifferenceDialog(DifferenceReview(rows=rows[:10]))  # Qt's first-use costs, not ours
    qtbot.addWidget(warm)
    warm.show()
    qtbot.waitExposed(warm)
    dialog = DifferenceDialog(review)  # the rows go to the table once it is shown
    qtbot.addWidget(dialog)
    with StallProbe() as probe:
        dialog.show()
        qtbot.waitExposed(dialog)
        qtbot.waitUntil(lambda: dialog.model.total == 100_000)
        for _ in range(3):  # the view asks for more rows as the clerk scrolls down
            before = dialog.model.rowCount()
            dialog.table.scrollToBottom()
            qtbot.waitUntil(more_rows_than(dialog, before))
        qtbot.waitUntil(lambda: probe.ticks > 5)
    assert dialog.model.rowCount() > 1500  # three fetches beyond the first 500
    last = dialog.model.index(dialog.model.rowCount() - 1, 0).data()
    assert last == f"{dialog.model.rowCount() - 1:08d}"
    assert probe.largest_gap < MAX_GAP, probe


def more_rows_than(dialog: DifferenceDialog, count: int) -> Callable[[], bool]:
    return lambda: dialog.model.rowCount() > count


def test_the_menu_opens_both_adjustments(qtbot: QtBot, services: AppServices) -> None:
    small_unit(services)
    factories = page_factories(services)
    base = factories["base-change"]()
    qtbot.addWidget(base)
    assert isinstance(base, BaseChangePage)
    holder = factories["ratio-change"]()
    qtbot.addWidget(holder)
    sentence = holder.findChild(QLabel, "ratioStates")
    assert sentence is not None and "已复核" in sentence.text() and "已使用" in sentence.text()
    ratio = holder.findChild(PendingPage)
    assert ratio is not None
    assert set(ratio.form.editors) >= {"effective_month", "unit_ratio", "old_unit_ratio"}
    for key in ("ratio-change-query", "base-change-query"):
        query = factories[key]()
        qtbot.addWidget(query)
        assert isinstance(query, QueryPage)
