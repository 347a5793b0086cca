"""A page added to 身份证复印件 (全部提交's materials) fills the 开户 form by itself: read once,
only when shaped like a card, differences offered behind 核对差异 rather than popped up."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services.context import AppServices
from app.services.idcard.engine import OcrLine
from app.views.business.pending_page import PendingPage
from app.views.business.submit_dialog import SubmitDialog
from app.views.idcard.action import CardReadAction
from tests.id_cards import cards
from tests.ids import resident_id
from tests.qt_typing import type_text
from tests.views.open_account import line_edit, open_account_page

OCR_WAIT = 110_000  # ms; a cap for a loaded machine, not a timing assertion
LI = resident_id("41020519920308152")  # the person already in the list
ZHANG = resident_id("41020319900307123")  # 男, 1990-03-07: the card's


@pytest.fixture
def page(qtbot: QtBot, services: AppServices) -> PendingPage:
    return open_account_page(qtbot, services)


def open_submit(qtbot: QtBot, page: PendingPage) -> SubmitDialog:
    """One person in the list, then 全部提交: the materials dialog with 身份证复印件."""
    type_text(qtbot, line_edit(page, "name"), "李秀英")
    for key, text in (("id_number", LI), ("mobile", "13903781234"), ("base", "5200")):
        qtbot.keyClicks(line_edit(page, key), text)
    page.add_row()
    assert page.model.rowCount() == 1
    qtbot.mouseClick(page.buttons["submit"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.submit_dialog is not None)
    assert page.submit_dialog is not None
    return page.submit_dialog


def text(page: PendingPage, key: str) -> str:
    return page.form.editors[key].value()


def marked(page: PendingPage, key: str) -> bool:
    return bool(page.form.editors[key].widget.property("origin") == "card")


def test_a_card_scan_added_to_the_id_copy_material_fills_the_form(
    qtbot: QtBot, page: PendingPage, tmp_path: Path
) -> None:
    card = cards(tmp_path / "cards", ["clean"], seed=5)[0]
    dialog = open_submit(qtbot, page)
    reader = page.card_reader
    assert reader is not None

    dialog.add_files("身份证复印件", [tmp_path / "cards" / card["file"]])
    qtbot.waitUntil(lambda: text(page, "id_number") != "", timeout=OCR_WAIT)

    assert text(page, "name") == card["name"]
    assert text(page, "id_number") == card["id_number"]
    assert text(page, "birth_date") == card["birth"]
    assert marked(page, "name") and marked(page, "id_number")
    assert "已从身份证填入" in page.message.text()
    assert "已从身份证填入" in dialog.panel.message.text()  # seen where the clerk is working
    assert reader.confirm_button.isVisible() and not reader.compare_button.isVisible()

    page.reset_form()
    dialog.add_files("身份证复印件", [tmp_path / "cards" / card["file"]])  # the same page again
    qtbot.waitUntil(lambda: dialog.status["身份证复印件"].text().startswith("2 页"))
    assert reader.auto_op is None and text(page, "name") == ""  # not read a second time


class CardEngine:
    """The lines of Zhang San's card front; counts how often it was asked."""

    def __init__(self) -> None:
        self.calls = 0

    def lines(self, image: Image.Image) -> list[OcrLine]:
        self.calls += 1

        def line(y: float, words: str) -> OcrLine:
            w = 30 * len(words)
            return OcrLine(((50, y), (50 + w, y), (50 + w, y + 32), (50, y + 32)), words, 0.95)

        return [
            line(50, "姓名张三"),
            line(120, "性别男民族汉"),
            line(190, "出生1990年3月7日"),
            line(260, "住址河南省开封市龙亭区西门大街1号"),
            line(440, f"公民身份号码{ZHANG}"),
        ]


def picture(path: Path, size: tuple[int, int]) -> Path:
    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).rectangle((20, 20, size[0] // 2, size[1] // 2), fill="black")
    image.save(path)
    return path


def test_a_card_that_differs_from_what_was_typed_waits_behind_compare_without_a_popup(
    qtbot: QtBot, page: PendingPage, tmp_path: Path
) -> None:
    engine = CardEngine()
    page.card_reader = reader = CardReadAction(page, page.form, lambda: engine)
    reader.said.connect(lambda t, e: page._say(t, error=e))
    dialog = open_submit(qtbot, page)
    type_text(qtbot, line_edit(page, "name"), "张山")  # the clerk's own (mis)typing

    dialog.add_files("身份证复印件", [picture(tmp_path / "receipt.png", (300, 900))])
    qtbot.waitUntil(lambda: dialog.status["身份证复印件"].text().startswith("1 页"))
    assert engine.calls == 0  # a long narrow page is no card: not even read

    dialog.add_files("身份证复印件", [picture(tmp_path / "card.png", (856, 540))])
    qtbot.waitUntil(lambda: text(page, "id_number") == ZHANG, timeout=OCR_WAIT)

    assert text(page, "name") == "张山"  # typed work stays until the clerk chooses
    assert reader.dialog is None  # nothing popped up over the clerk's typing
    assert reader.compare_button.isVisible()
    assert "姓名与已填写的不一致" in page.message.text()
    page.reset_form()  # 清空: the waiting comparison goes with the values
    assert not reader.compare_button.isVisible()
    type_text(qtbot, line_edit(page, "name"), "张山")
    reader.pages_received("身份证复印件", [picture(tmp_path / "again.png", (860, 540))])
    qtbot.waitUntil(lambda: text(page, "id_number") == ZHANG, timeout=OCR_WAIT)
    qtbot.mouseClick(reader.compare_button, Qt.MouseButton.LeftButton)
    assert reader.dialog is not None and reader.dialog.isVisible()
    assert reader.dialog.choices["name"].text() == "张三"
    reader.dialog.choices["name"].setChecked(True)
    reader.dialog.accept()
    assert text(page, "name") == "张三" and marked(page, "name")


class HeldEngine:
    """Holds the read until the test lets it go (so 取消识别 lands while it runs); finds nothing."""

    def __init__(self) -> None:
        self.started, self.release = threading.Event(), threading.Event()

    def lines(self, image: Image.Image) -> list[OcrLine]:
        self.started.set()
        self.release.wait(OCR_WAIT / 1000)  # a cap only: the test releases it at once
        return []


def test_cancel_stops_an_automatic_read_and_leaves_the_form_alone(
    qtbot: QtBot, page: PendingPage, tmp_path: Path
) -> None:
    engine = HeldEngine()
    page.card_reader = reader = CardReadAction(page, page.form, lambda: engine)
    reader.said.connect(lambda t, e: page._say(t, error=e))

    reader.pages_received("身份证复印件", [picture(tmp_path / "card.png", (856, 540))])
    qtbot.waitUntil(engine.started.is_set)
    assert reader.cancel_button.isVisibleTo(page) and not reader.button.isEnabled()
    assert "正在自动识别" in page.message.text()
    reader.cancel_button.click()
    engine.release.set()
    qtbot.waitUntil(lambda: reader.auto_op is None, timeout=OCR_WAIT)

    assert page.message.text() == "已取消身份证识别，表单未改动。"
    assert not reader.cancel_button.isVisibleTo(page) and reader.button.isEnabled()
    assert text(page, "name") == "" and text(page, "id_number") == ""
