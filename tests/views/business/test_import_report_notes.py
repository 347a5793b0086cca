"""The import report tells the clerk what the reader skipped (an example row of another centre)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QRect, Qt
from pytestqt.qtbot import QtBot

from app.services.batch_import import standalone_context, validate_file
from app.services.businesses import SPECS
from app.services.import_session import verdict
from app.services.policy import load_default
from app.views.business.import_report import ImportReport
from tests.ids import gb11643


def test_a_skipped_example_row_is_said(qtbot: QtBot, tmp_path: Path) -> None:
    person = "41020319880415201" + gb11643("41020319880415201")
    path = tmp_path / "外中心.csv"
    path.write_text(
        "职工姓名,证件号码,缴存基数（元）,个人联系电话\n"
        f"样例,{person},5000,13900000000\n"
        f"王芳,{person},5200,13903781234\n",
        encoding="utf-8",
    )
    check = validate_file(
        path, SPECS["open-account"], standalone_context(load_default(), date(2026, 11, 26))
    )
    report = ImportReport()
    qtbot.addWidget(report)

    report.show_verdict(verdict(check))

    assert "共 1 行：正确 1 行，有误 0 行。" in report.counts.text()
    assert "第 2 行第一格为“样例”，视为示例行，已跳过，未导入。" in report.counts.text()


def test_a_long_value_leaves_the_reason_readable(qtbot: QtBot, tmp_path: Path) -> None:
    """The 原因 says what to fix: a clerk's long cell (a pasted sentence) never pushes it out."""
    long_value = "不是原因的原因，这个原因写得很长很长以至于一行放不下，后面还有更多的字" * 2
    path = tmp_path / "封存.csv"
    path.write_text(f"姓名,封存原因\n黄亚楠,{long_value}\n", encoding="utf-8")
    check = validate_file(
        path, SPECS["seal"], standalone_context(load_default(), date(2026, 11, 26))
    )
    report = ImportReport()
    qtbot.addWidget(report)
    report.resize(760, 400)
    report.show()
    report.show_verdict(verdict(check))

    reasons = [
        (row, p.message) for row, p in enumerate(report.model._items) if p.value == long_value
    ]
    assert reasons
    row, reason = reasons[0]
    table = report.table
    left, width = table.columnViewportPosition(3), table.columnWidth(3)
    assert left + width <= table.viewport().width()  # the whole column in view
    room = QRect(0, 0, width - 8, 10_000)  # inside the cell's margins
    lines = table.fontMetrics().boundingRect(room, Qt.TextFlag.TextWordWrap, reason)
    assert table.rowHeight(row) >= lines.height()  # every line of it shown
    assert table.model().index(row, 2).data(Qt.ItemDataRole.ToolTipRole) == long_value
