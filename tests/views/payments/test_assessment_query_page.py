"""核定查询: 汇缴 and 补缴 one line each, filtered by kind, month range and state; 重新修改 of a
退回; 打印核定单 opens Qt's print preview on A4."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QPrintPreviewDialog
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.models import OutboxItem
from app.services.businesses import remittance
from app.services.context import AppServices
from app.services.engine.pending import PendingLists
from app.services.payments.query import AssessmentQuery
from app.views.payments.query_page import AssessmentQueryPage

OCTOBER = [
    {"month": "2026-10", "account_no": "A", "name": "王伟", "base": "5000.00",
     "amount": "1200.00", "change": ""},
    {"month": "2026-10", "account_no": "B", "name": "李娜", "base": "2500.00",
     "amount": "600.00", "change": "启封"},
]  # fmt: skip
BACK = [{"account_no": "A", "name": "王伟", "reason": "漏缴", "start_month": "2025-01",
         "end_month": "2025-03", "months": "3", "amount": "3600.00"}]  # fmt: skip


@pytest.fixture
def page(qtbot: QtBot, services: AppServices) -> AssessmentQueryPage:
    unit = services.units.add("100001", "开封示范科技有限公司")
    with services.store.session() as session:
        session.add_all(
            [
                OutboxItem(unit_id=unit.id, business="back-payment", idempotency_key="b",
                           rows=BACK, state="sent", server_id="3", review_state="待审核"),
                OutboxItem(unit_id=unit.id, business="remittance", idempotency_key="r",
                           rows=OCTOBER, state="sent", server_id="4", review_state="退回",
                           review_reason="李娜已转出，请重新核定"),
            ]
        )  # fmt: skip
    query = AssessmentQuery(
        services.store, unit.id, lambda: services.units.policy(unit.id), unit_code=unit.code,
        unit_name=unit.name, today=lambda: date(2026, 11, 26),
    )  # fmt: skip
    widget = AssessmentQueryPage(query)
    qtbot.addWidget(widget)
    return widget


def shown(page: AssessmentQueryPage) -> list[list[str]]:
    model = page.model
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_both_kinds_one_line_each_with_months_amount_state_and_reason(
    page: AssessmentQueryPage, qtmodeltester: ModelTester
) -> None:
    lines = [row[:1] + row[2:] for row in shown(page)]  # row[1]: 提交时间
    assert lines == [
        ["2", "汇缴核定", "2026-10", "2", "1,800.00", "", "退回", "李娜已转出，请重新核定"],
        ["1", "补缴核定", "2025-01 至 2025-03", "1", "3,600.00", "", "待审核", ""],
    ]
    qtmodeltester.check(page.model)


def test_filters_by_kind_and_month_range(page: AssessmentQueryPage) -> None:
    page.kind.setCurrentIndex(page.kind.findData("back-payment"))
    assert [row[0] for row in shown(page)] == ["1"]
    page.kind.setCurrentIndex(0)
    page.since.setText("2025-03")
    page.until.setText("2025-12")
    page.refresh()
    assert [row[0] for row in shown(page)] == ["1"]  # 2025-01 至 2025-03 meets the range
    page.since.setText("2025-13")
    page.refresh()
    assert "核定月份" in page.message.text()


def test_reopen_puts_a_rejected_remittance_back_into_its_list(
    page: AssessmentQueryPage, services: AppServices
) -> None:
    page.table.selectRow(0)
    assert page.reopen_button.isEnabled()
    with_reopen = page.reopened
    assert with_reopen is not None
    page.reopen_selected()
    assert "已放回汇缴核定清单" in page.message.text()
    assert shown(page)[0][7] == "已取回修改"  # 状态
    remit = PendingLists(
        services.store, remittance.SPEC, page.query.unit_id, lambda: services.units.policy(None)
    )
    assert [r.values["account_no"] for r in remit.rows()] == ["A", "B"]


def test_print_opens_the_preview_on_a4(page: AssessmentQueryPage) -> None:
    page.table.selectRow(1)
    dialog = page.print_selected()
    assert isinstance(dialog, QPrintPreviewDialog)
    assert dialog.windowTitle() == "打印预览 — 补缴核定清单 2025-01 至 2025-03"
    assert dialog.printer().pageLayout().pageSize().id() == QPageSize.PageSizeId.A4
    dialog.close()
