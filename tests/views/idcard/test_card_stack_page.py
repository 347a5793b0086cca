"""从身份证批量读取 on 个人开户（批量）: a folder of card scans → the preview → 加入待开户清册."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services.businesses import SPECS
from app.services.context import AppServices
from app.services.engine.pending import PendingLists
from app.services.idcard import engine as engine_module
from app.views.business.import_page import ImportPage
from tests.card_stack import LI, WANG, feeder
from tests.views.open_account import open_account_batch_page

WAIT = 20_000


@pytest.fixture
def page(qtbot: QtBot, services: AppServices) -> ImportPage:
    return open_account_batch_page(qtbot, services)


def test_a_folder_of_cards_is_previewed_then_added_to_the_list_incomplete(
    qtbot: QtBot, page: ImportPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "_engine", feeder(tmp_path / "feeder"))
    action = page.card_stack
    assert action.box.isVisible() and action.button.text() == "从身份证批量读取…"

    action.read([tmp_path / "feeder"])
    qtbot.waitUntil(lambda: action.dialog is not None and action.dialog.isVisible(), timeout=WAIT)
    dialog = action.dialog
    assert dialog is not None
    assert dialog.shown_rows() == [
        ["王建国", WANG, "男", "1988-05-16"],
        ["李秀英", LI, "女", "1992-03-08"],
    ]
    flagged = [dialog.flagged.item(i).text() for i in range(dialog.flagged.count())]
    assert len(flagged) == 1 and flagged[0].startswith("page3.png：")
    assert page.list_model.rowCount() == 0  # nothing stored before the clerk says so

    with qtbot.waitSignal(page.imported, timeout=WAIT) as added:
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert added.args == [2]
    assert page.list_model.rowCount() == 2
    assert "其中 2 条有误" in page.list_summary.text()  # 待补全: marked until completed
    assert "已加入 2 人到待开户清册" in page.status.text()
    assert "2 页身份证已放入“身份证复印件”" in page.status.text()
    assert action.button.isEnabled()


def test_only_the_open_account_batch_page_reads_cards(qtbot: QtBot, services: AppServices) -> None:
    unit = services.units.add("100002", "开封市第二机械厂")

    def policy():  # type: ignore[no-untyped-def]
        return services.units.policy(unit.id)

    widget = ImportPage(PendingLists(services.store, SPECS["seal"], unit.id, policy), policy)
    qtbot.addWidget(widget)
    assert not hasattr(widget, "card_stack")
