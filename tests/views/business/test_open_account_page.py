"""个人开户（单笔） as a clerk uses it: type, see derived values, add, modify, delete, submit."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.models import OutboxItem, PendingRow
from app.services.context import AppServices
from app.views.business.pending_page import PendingPage
from tests.ids import gb11643
from tests.qt_typing import type_text
from tests.views.open_account import line_edit, open_account_page

WANG = "41020319880516001" + gb11643("41020319880516001")  # male, 1988-05-16
LI = "41020519920308152" + gb11643("41020519920308152")  # female


@pytest.fixture
def page(qtbot: QtBot, services: AppServices) -> PendingPage:
    return open_account_page(qtbot, services)


editor = line_edit


def fill(qtbot: QtBot, page: PendingPage, name: str, id_number: str, base: str) -> None:
    type_text(qtbot, editor(page, "name"), name)
    page.form.changed.emit()
    for key, text in (("id_number", id_number), ("mobile", "13903781234"), ("base", base)):
        qtbot.keyClicks(editor(page, key), text)


def error_text(page: PendingPage, key: str) -> str:
    return page.form.editors[key].error.text()


def test_derived_values_follow_the_typing(qtbot: QtBot, page: PendingPage) -> None:
    fill(qtbot, page, "王建国", WANG, "6,200")
    sex = page.form.editors["sex"].widget
    assert isinstance(sex, QComboBox) and sex.currentText() == "男"
    assert editor(page, "birth_date").text() == "1988-05-16"
    assert editor(page, "unit_amount").text() == "744.00"
    assert editor(page, "monthly_amount").text() == "1488.00"
    assert (
        not editor(page, "monthly_amount").isEnabled()
        or editor(page, "monthly_amount").isReadOnly()
    )


def test_add_puts_the_row_in_the_list_and_clears_the_form(qtbot: QtBot, page: PendingPage) -> None:
    fill(qtbot, page, "王建国", WANG, "6200")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 1
    assert page.proxy.index(0, 0).data() == "王建国"
    assert editor(page, "name").text() == ""
    assert "已添加到待开户清册" in page.message.text()
    assert page.summary.text() == "共 1 条，缴存基数合计 6,200.00，月缴存额合计 1,488.00"


def test_errors_show_beside_their_fields_and_nothing_is_added(
    qtbot: QtBot, page: PendingPage
) -> None:
    wrong = WANG[:-1] + ("0" if WANG[-1] != "0" else "1")
    fill(qtbot, page, "王建国", wrong, "1000")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert "校验码" in error_text(page, "id_number")
    assert page.form.editors["id_number"].error.isVisible()
    assert error_text(page, "name") == ""
    assert page.model.rowCount() == 0
    assert "处需要修改" in page.message.text()


def select_row(page: PendingPage, row: int) -> None:
    page.table.selectRow(row)


def test_modify_delete_and_undo(qtbot: QtBot, page: PendingPage) -> None:
    fill(qtbot, page, "王建国", WANG, "6200")
    page.add_row()
    fill(qtbot, page, "李秀英", LI, "4800")
    page.add_row()
    assert page.model.rowCount() == 2

    select_row(page, 1)
    qtbot.mouseClick(page.buttons["modify"], Qt.MouseButton.LeftButton)
    assert editor(page, "name").text() == "李秀英"
    assert page.add_button.text() == "保存修改"
    editor(page, "base").clear()
    qtbot.keyClicks(editor(page, "base"), "5000")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.add_button.text() == "添加"
    assert page.proxy.index(1, 0).data() == "李秀英"
    base_col = [f.key for f in page.model.columns].index("base")
    assert page.proxy.index(1, base_col).data() == "5,000.00"

    select_row(page, 0)
    qtbot.mouseClick(page.buttons["delete"], Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 1
    assert page.buttons["undo"].isEnabled()
    qtbot.mouseClick(page.buttons["undo"], Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 2
    assert "已恢复：王建国" in page.message.text()


def test_browse_shows_every_field(qtbot: QtBot, page: PendingPage) -> None:
    fill(qtbot, page, "王建国", WANG, "6200")
    page.add_row()
    select_row(page, 0)
    page.browse()
    assert page.detail_dialog is not None
    shown = {w.objectName(): w.text() for w in page.detail_dialog.findChildren(QLabel)}
    assert shown["detail-id_number"] == WANG and shown["detail-sex"] == "男"
    page.detail_dialog.close()


def test_submit_is_refused_without_materials_then_queued(
    qtbot: QtBot, page: PendingPage, services: AppServices, tmp_path: Path
) -> None:
    fill(qtbot, page, "王建国", WANG, "6200")
    page.add_row()
    qtbot.mouseClick(page.buttons["submit"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.submit_dialog is not None)  # rows are checked in the background
    dialog = page.submit_dialog
    assert dialog is not None
    assert not dialog.submit_button.isEnabled()
    assert "身份证复印件" in dialog.reason.text()

    scan = tmp_path / "id-card.png"
    Image.new("RGB", (400, 250), "white").save(scan)
    dialog.add_files("身份证复印件", [scan])  # the PDF is made in the background
    qtbot.waitUntil(dialog.submit_button.isEnabled, timeout=10_000)
    assert dialog.submit_button.isEnabled()
    assert dialog.status["身份证复印件"].text().startswith("1 页")
    with qtbot.waitSignal(page.submitted) as sent:
        qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)
    with services.store.session() as session:
        item = session.get_one(OutboxItem, sent.args[0])
        assert item.state == "queued" and [r["name"] for r in item.rows] == ["王建国"]
        assert len(session.scalars(select(OutboxItem)).all()) == 1
    assert page.model.rowCount() == 0
    assert "已提交 1 条" in page.message.text()


def test_pending_model_is_a_well_behaved_qt_model(
    qtbot: QtBot,
    page: PendingPage,
    qtmodeltester,  # type: ignore[no-untyped-def]
) -> None:
    fill(qtbot, page, "王建国", WANG, "6200")
    page.add_row()
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.proxy)


def test_submit_with_a_bad_row_marks_it_and_opens_nothing(
    qtbot: QtBot, page: PendingPage, services: AppServices
) -> None:
    fill(qtbot, page, "王建国", WANG, "6200")
    page.add_row()
    with services.store.session() as session:  # a row gone bad (e.g. the policy changed)
        session.add(
            PendingRow(
                list_id=page.pending.list_id(),
                position=9,
                data={"name": "李秀英", "id_number": LI, "base": "5000.00"},
                source="旧数据",
            )
        )
    qtbot.mouseClick(page.buttons["submit"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.checking is None)
    assert page.submit_dialog is None
    assert "1 条记录有误" in page.message.text()
    assert "李秀英——请填写手机号码" in page.message.text()  # named, with its reason
    bad = [r for r in range(page.model.rowCount()) if page.model.item(r).errors]
    assert len(bad) == 1
    assert page.model.item(bad[0]).errors["mobile"] == "请填写手机号码"
