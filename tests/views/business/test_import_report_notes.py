"""The import report tells the clerk what the reader skipped (an example row of another centre)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

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
