"""Every 查询 list sizes its columns to their headers and contents; the last takes the rest.

The walkthrough found 核定查询's empty list giving its last column (提交时间) nearly all the
width, the other headers cramped, and every stretched header floating centred in the middle
of the table.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QTableView
from pytestqt.qtbot import QtBot

from app.models import OutboxItem
from app.services.catalog import all_entries
from app.services.context import AppServices
from app.services.engine.centre_records import OPENINGS_EXPORT, CentreRecord
from app.views.business.centre_records import CentreRecordModel
from app.views.business.query_page import STATE_COLOURS
from app.views.main_window import MainWindow
from app.views.pages import page_factories
from app.views.payments.query_page import NUMBERS, AssessmentQueryPage
from tests.views.business.test_open_account_form import make_unit

SCREEN_1024 = QSize(1008, 700)  # a 1024×768 screen less the title bar and borders
TEXT_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
RIGHT = Qt.AlignmentFlag.AlignRight
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
    # 退回 reads as on every 查询 page (tinted), and a number's header stands over its digits.
    tint = page.model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole)
    assert tint is not None and tint.color() == STATE_COLOURS["退回"]
    for column in NUMBERS:
        align = page.model.headerData(column, Qt.Orientation.Horizontal, TEXT_ALIGNMENT)
        assert align & Qt.AlignmentFlag.AlignRight, headers[column]


def test_a_chosen_rows_reason_is_read_whole_below_the_list(
    qtbot: QtBot, services: AppServices
) -> None:
    """At 1024×768 the last column cuts a long 退回 reason; choosing the row shows it all."""
    make_unit(services)
    unit = services.units.current()
    assert unit is not None
    rows = [{"name": "王建国", "id_number": "410203198805160013", "account_no": "1"}]
    with services.store.session() as session:
        session.add_all(
            [
                OutboxItem(
                    unit_id=unit.id, business="seal", idempotency_key="s", rows=rows,
                    state="sent", server_id="1", review_state="退回", review_reason=LONG_REASON,
                ),
                OutboxItem(
                    unit_id=unit.id, business="remittance", idempotency_key="r", rows=[],
                    state="sent", server_id="2", review_state="退回", review_reason=LONG_REASON,
                ),
            ]
        )  # fmt: skip
    window = _window(qtbot, services)
    for key, whose in (("seal-query", "王建国："), ("assessment-query", "汇缴核定（")):
        page = window.open_page(key)
        qtbot.waitExposed(page)
        table = page.findChild(QTableView, "historyTable")
        assert isinstance(table, QTableView)
        line = page.findChild(QLabel, "rowReason")
        assert isinstance(line, QLabel) and not line.isVisible()
        last = table.model().columnCount() - 1
        cut = table.fontMetrics().horizontalAdvance(LONG_REASON) > table.columnWidth(last)
        assert cut, key  # the reason does not fit its column here
        table.selectRow(0)
        assert line.isVisible() and line.text().startswith(whose), key
        assert line.text().endswith(LONG_REASON)
        table.clearSelection()
        assert not line.isVisible()


def test_the_centres_amounts_stand_right_under_right_aligned_headers(
    qtbot: QtBot, services: AppServices
) -> None:
    make_unit(services)
    window = _window(qtbot, services)
    page = window.open_page("open-account-query")
    table = page.findChild(QTableView, "centreRecordsTable")
    assert isinstance(table, QTableView)
    model = table.model()
    assert isinstance(model, CentreRecordModel)
    record = CentreRecord(
        {"name": "唐博", "base": "2970.00", "monthly_amount": ""}, False, OPENINGS_EXPORT
    )
    model.set_items([record])
    headers = _headers(table)
    for title in ("缴存基数", "月缴存额"):
        column = headers.index(title)
        assert model.headerData(column, Qt.Orientation.Horizontal, TEXT_ALIGNMENT) & RIGHT
        assert model.index(0, column).data(TEXT_ALIGNMENT) & RIGHT
        if title == "缴存基数":  # grouped as on every list (the centre sends 2970.00)
            assert model.index(0, column).data() == "2,970.00"
    name = headers.index("姓名")
    assert model.index(0, name).data() == "唐博"
    assert not model.headerData(name, Qt.Orientation.Horizontal, TEXT_ALIGNMENT) & RIGHT
