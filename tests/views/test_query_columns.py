"""Every 查询 list sizes its columns to their headers and contents; the last takes the rest.

The walkthrough found 核定查询's empty list giving its last column (提交时间) nearly all the
width, the other headers cramped, and every stretched header floating centred in the middle
of the table.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from app.models import OutboxItem
from app.services.catalog import all_entries
from app.services.context import AppServices
from app.views.main_window import MainWindow
from app.views.pages import page_factories
from app.views.payments.query_page import AssessmentQueryPage
from tests.views.business.test_open_account_form import make_unit

SCREEN_1024 = QSize(1008, 700)  # a 1024×768 screen less the title bar and borders
LONG_REASON = "李娜已转出本单位，请核对人员名单后重新核定本月汇缴，并补充上传工资发放明细。" * 2


def _window(qtbot: QtBot, services: AppServices) -> MainWindow:
    window = MainWindow(services, pages=page_factories(services))
    qtbot.addWidget(window)
    window.resize(SCREEN_1024)
    window.show()
    qtbot.waitExposed(window)
    return window


def _headers(table: QTableView) -> list[str]:
    model = table.model()
    return [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(model.columnCount())]


def _cramped(table: QTableView) -> dict[str, int]:
    """Headers whose column leaves them less than two digits of room."""
    metrics = table.horizontalHeader().fontMetrics()
    return {
        title: table.columnWidth(column)
        for column, title in enumerate(_headers(table))
        if table.columnWidth(column) < metrics.horizontalAdvance(title + "00")
    }


def test_every_query_list_shows_its_headers_whole_and_left_when_empty(
    qtbot: QtBot, services: AppServices
) -> None:
    make_unit(services)
    window = _window(qtbot, services)
    trouble: dict[str, object] = {}
    queries = [entry for entry in all_entries() if entry.label.endswith("查询")]
    assert len(queries) >= 6
    for entry in queries:
        page = window.open_page(entry.key)
        qtbot.waitExposed(page)
        tables = page.findChildren(QTableView)  # 本机提交 and, where there is one, 中心记录
        assert tables, entry.label
        for table in tables:
            header = table.horizontalHeader()
            where = f"{entry.label}/{table.objectName() or 'table'}"
            if table.model().rowCount() != 0:
                trouble[where] = "not empty"
            if _cramped(table):
                trouble[where] = _cramped(table)
            if not header.defaultAlignment() & Qt.AlignmentFlag.AlignLeft:
                trouble[where] = "headers centred"
            if not header.stretchLastSection() or "时间" in _headers(table)[-1]:
                trouble[where] = f"last column {_headers(table)[-1]} stretched: {_headers(table)}"
    assert trouble == {}


def test_the_assessment_list_gives_the_room_left_to_its_reasons(
    qtbot: QtBot, services: AppServices
) -> None:
    make_unit(services)
    unit = services.units.current()
    assert unit is not None
    with services.store.session() as session:
        session.add(
            OutboxItem(
                unit_id=unit.id, business="remittance", idempotency_key="r", rows=[],
                state="sent", server_id="4", review_state="退回", review_reason=LONG_REASON,
                created_at=datetime(2026, 11, 26, 9, 30),
            )
        )  # fmt: skip
    window = _window(qtbot, services)
    page = window.open_page("assessment-query")
    assert isinstance(page, AssessmentQueryPage)
    qtbot.waitExposed(page)
    table = page.table
    headers = _headers(table)
    assert headers[-1] == "原因" and headers[1] == "提交时间"
    when = headers.index("提交时间")
    assert page.model.index(0, when).data() == "2026-11-26 09:30"
    shown_whole = table.fontMetrics().horizontalAdvance("2026-11-26 09:30")
    assert table.columnWidth(when) >= shown_whole  # the time read whole, not elided
    assert _cramped(table) == {}
    # The long reason neither pushes the list wider than the page nor is lost: the last column
    # ends at the list's right edge and the whole reason is in its tooltip.
    last = len(headers) - 1
    right = table.columnViewportPosition(last) + table.columnWidth(last)
    assert right <= table.viewport().width()
    assert table.horizontalScrollBar().maximum() == 0
    assert page.model.index(0, last).data(Qt.ItemDataRole.ToolTipRole) == LONG_REASON
