"""缴存比例调整 in the window: a lower ratio needs the resolution; 查询 shows each state's day."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.models import OutboxItem, Unit
from app.services.context import AppServices
from app.views.adjustments.ratio_query import RatioQueryPage
from app.views.business.pending_page import PendingPage
from app.views.pages import page_factories
from tests.adjust_roster import small_unit

RESOLUTION = "职工代表大会或工会决议"


def test_a_lower_ratio_waits_for_the_resolution(
    qtbot: QtBot, services: AppServices, tmp_path: Path
) -> None:
    small_unit(services)
    holder = page_factories(services)["ratio-change"]()
    qtbot.addWidget(holder)
    sentence = holder.findChild(QLabel, "ratioStates")
    assert sentence is not None and f"降低缴存比例的，提交时须上传“{RESOLUTION}”" in sentence.text()
    page = holder.findChild(PendingPage)
    assert page is not None
    holder.show()
    qtbot.waitExposed(holder)
    title = page.findChild(QLabel, "pageTitle")
    assert title is not None  # the sentence reads under the page's title, as on the 查询 page
    assert sentence.mapTo(holder, QPoint()).y() > title.mapTo(holder, QPoint()).y()
    # A ratio change has no person: the search matches its month (it said 姓名、证件号码).
    assert page.list.search.toolTip() == "在清册中查找：任一列的内容（如调整年月）或错误说明"
    page.form.set_values(
        {"effective_month": "2027-01", "unit_ratio": "10%", "personal_ratio": "12%"}
    )
    page.add_row()
    assert page.model.rowCount() == 1, page.message.text()

    qtbot.mouseClick(page.buttons["submit"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.submit_dialog is not None, timeout=10_000)
    dialog = page.submit_dialog
    assert dialog is not None
    assert not dialog.submit_button.isEnabled()
    assert dialog.reason.text() == f"还需上传：{RESOLUTION}"
    # The lower ratio makes the policy's optional resolution required: it reads 必传 (was 选传).
    assert dialog.panel.material_list.rows[RESOLUTION].mark.text() == "必传"

    scan = tmp_path / "决议.png"
    Image.new("RGB", (400, 250), "white").save(scan)
    dialog.add_files(RESOLUTION, [scan])
    qtbot.waitUntil(dialog.submit_button.isEnabled, timeout=10_000)
    with qtbot.waitSignal(page.submitted):
        qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)


def test_a_higher_ratio_leaves_the_resolution_optional(qtbot: QtBot, services: AppServices) -> None:
    adjust = small_unit(services)
    with services.store.session() as session:  # 10 % + 10 % in force, raised to 12 % + 12 %
        session.get_one(Unit, adjust.unit_id).profile = {
            "unit_ratio": "0.10",
            "personal_ratio": "0.10",
            "paid_to": "2026-10",
        }
    holder = page_factories(services)["ratio-change"]()
    qtbot.addWidget(holder)
    page = holder.findChild(PendingPage)
    assert page is not None
    page.form.set_values(
        {"effective_month": "2027-01", "unit_ratio": "12%", "personal_ratio": "12%"}
    )
    page.add_row()
    assert page.model.rowCount() == 1, page.message.text()
    page.list.search.setText("2099-")
    qtbot.waitUntil(lambda: page.model.rowCount() == 0)
    page.list.search.setText("2027-01")  # what the placeholder offers finds the row
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    qtbot.mouseClick(page.buttons["submit"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.submit_dialog is not None, timeout=10_000)
    dialog = page.submit_dialog
    assert dialog is not None
    assert dialog.panel.material_list.rows[RESOLUTION].mark.text() == "选传"
    assert dialog.submit_button.isEnabled()


def test_the_query_shows_each_state_with_its_day(
    qtbot: QtBot, services: AppServices, qtmodeltester: ModelTester
) -> None:
    adjust = small_unit(services)
    results = (
        ("待审核", None),
        ("已复核", {"reviewed_on": "2026-11-25"}),
        ("已使用", {"reviewed_on": "2026-11-25", "used_on": "2026-11-27", "used_by": 9}),
    )
    with services.store.session() as session:
        for n, (state, result) in enumerate(results):
            session.add(
                OutboxItem(
                    unit_id=adjust.unit_id,
                    business="ratio-change",
                    idempotency_key=f"k{n}",
                    rows=[
                        {
                            "effective_month": f"2027-0{n + 1}",
                            "unit_ratio": "0.1",
                            "personal_ratio": "0.08",
                            "old_unit_ratio": "0.12",
                            "old_personal_ratio": "0.12",
                        }
                    ],
                    state="sent",
                    server_id=str(n),
                    review_state=state,
                    review_result=result,
                )
            )
    page = page_factories(services)["ratio-change-query"]()
    qtbot.addWidget(page)
    assert isinstance(page, RatioQueryPage)
    sentence = page.findChild(QLabel, "ratioStates")
    assert sentence is not None and "已复核" in sentence.text() and "已使用" in sentence.text()
    model = page.model
    shown = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(3)]
    assert shown[0][1:7] == ["2027-03", "10%", "8%", "12% / 12%", "已使用", "2026-11-27"]
    assert "中心编号 9" in shown[0][7]
    assert shown[1][5:7] == ["已复核", "2026-11-25"] and "现行比例不变" in shown[1][7]
    assert shown[2][5] == "待审核" and shown[2][7] == "等待中心审核"
    qtmodeltester.check(model)
    assert page.message.text() == "共 3 笔缴存比例调整"

    page.state.setCurrentText("已复核")  # the state filter keeps the days
    assert model.rowCount() == 1 and model.index(0, 6).data() == "2026-11-25"


def test_unknown_old_ratios_show_a_dash_that_says_why(qtbot: QtBot, services: AppServices) -> None:
    """The walkthrough saw " / " under 原比例 for a change submitted before the first sync."""
    adjust = small_unit(services)
    with services.store.session() as session:
        session.get_one(Unit, adjust.unit_id).profile = {"paid_to": "2026-10"}
        session.add(
            OutboxItem(
                unit_id=adjust.unit_id,
                business="ratio-change",
                idempotency_key="k",
                rows=[
                    {"effective_month": "2027-01", "unit_ratio": "0.1", "personal_ratio": "0.08"}
                ],
                state="sent",
                server_id="1",
                review_state="待审核",
            )
        )
    page = page_factories(services)["ratio-change-query"]()
    qtbot.addWidget(page)
    old = page.model.index(0, 4)
    assert page.model.headerData(4, Qt.Orientation.Horizontal) == "原比例（单位/个人）"
    assert old.data() == "—"
    assert old.data(Qt.ItemDataRole.ToolTipRole) == "提交时尚未取得单位现行比例"
    assert page.model.index(0, 2).data(Qt.ItemDataRole.ToolTipRole) == "10%"
