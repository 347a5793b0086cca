"""从身份证读取 in 个人开户 as a clerk uses it: the card fills the form, a mismatch is shown and
chosen, filled fields stay marked until confirmed, a misread number is never filled silently."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from app.services.context import AppServices
from app.services.idcard.engine import MISSING_MESSAGE, OcrLine, OcrUnavailableError, TextEngine
from app.views.business.pending_page import PendingPage
from app.views.idcard.action import CardReadAction
from tests.id_cards import cards
from tests.ids import resident_id
from tests.qt_typing import type_text
from tests.views.open_account import open_account_page

OCR_WAIT = 110_000  # ms; a cap for a loaded machine, not a timing assertion


@pytest.fixture
def page(qtbot: QtBot, services: AppServices) -> PendingPage:
    return open_account_page(qtbot, services)


def reader(page: PendingPage) -> CardReadAction:
    assert page.card_reader is not None
    return page.card_reader


def text(page: PendingPage, key: str) -> str:
    return page.form.editors[key].value()


def marked(page: PendingPage, key: str) -> bool:
    return bool(page.form.editors[key].widget.property("origin") == "card")


def drop_file(page: PendingPage, path: Path) -> None:
    """What a drag of `path` from the file manager onto 从身份证读取 sends: enter, move, drop."""
    button = reader(page).button
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    centre = button.rect().center()
    rest = (
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    # Qt's drag enter/move events take a QPoint, the drop a QPointF (PySide6 6.12 took either)
    QApplication.sendEvent(button, QDragEnterEvent(centre, *rest))
    QApplication.sendEvent(button, QDragMoveEvent(centre, *rest))
    QApplication.sendEvent(button, QDropEvent(QPointF(centre), *rest))


def test_a_card_dropped_on_the_button_fills_the_form_marked_until_confirmed(
    qtbot: QtBot, page: PendingPage, tmp_path: Path
) -> None:
    card = cards(tmp_path / "cards", ["clean"])[0]
    drop_file(page, tmp_path / "cards" / card["file"])
    qtbot.waitUntil(lambda: text(page, "id_number") != "", timeout=OCR_WAIT)

    assert text(page, "name") == card["name"]
    assert text(page, "id_number") == card["id_number"]
    assert text(page, "sex") == card["sex"]
    assert text(page, "birth_date") == card["birth"]
    assert all(marked(page, k) for k in ("name", "id_number", "sex", "birth_date"))
    assert reader(page).confirm_button.isVisible()
    assert "已从身份证填入" in page.message.text()

    qtbot.mouseClick(reader(page).confirm_button, Qt.MouseButton.LeftButton)
    assert not any(marked(page, k) for k in ("name", "id_number", "sex", "birth_date"))
    assert not reader(page).confirm_button.isVisible()


def test_a_typed_name_that_differs_is_shown_beside_the_card_and_kept_unless_chosen(
    qtbot: QtBot, page: PendingPage, tmp_path: Path
) -> None:
    card = cards(tmp_path / "cards", ["photocopy"], seed=7)[0]
    name_edit = page.form.editors["name"].widget
    assert isinstance(name_edit, QLineEdit)
    type_text(qtbot, name_edit, "王建国")

    reader(page).read_file(tmp_path / "cards" / card["file"])
    qtbot.waitUntil(lambda: reader(page).dialog is not None, timeout=OCR_WAIT)
    dialog = reader(page).dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.choices["name"].text() == card["name"]
    assert text(page, "name") == "王建国"  # typed work is not replaced behind the clerk's back
    assert text(page, "id_number") == card["id_number"]  # the empty fields are filled

    dialog.choices["name"].setChecked(True)
    dialog.accept()
    assert text(page, "name") == card["name"]
    assert marked(page, "name")


class MisreadEngine:
    """Lines as the engine gives them for a card whose number has one digit misread."""

    def __init__(self, number: str) -> None:
        self.number = number

    def lines(self, image: Image.Image) -> list[OcrLine]:
        def line(x: float, y: float, text: str) -> OcrLine:
            w = 30 * len(text)
            return OcrLine(((x, y), (x + w, y), (x + w, y + 32), (x, y + 32)), text, 0.9)

        return [
            line(50, 50, "姓名张三"),
            line(50, 120, "性别男民族汉"),
            line(50, 190, "出生1990年3月7日"),
            line(50, 260, "住址河南省开封市龙亭区西门大街1号"),
            line(50, 440, "公民身份号码" + self.number),
        ]


def test_a_number_that_fails_its_check_is_not_filled_and_its_misread_digit_is_marked(
    qtbot: QtBot, page: PendingPage, tmp_path: Path
) -> None:
    good = resident_id("41020319900307123")
    misread = good[:14] + "7" + good[15:]  # the 1 read as a 7
    image = tmp_path / "card.png"
    Image.new("RGB", (200, 120), "white").save(image)
    engine = MisreadEngine(misread)
    page.card_reader = action = CardReadAction(page, page.form, lambda: engine)
    action.said.connect(lambda t, e: page._say(t, error=e))

    action.read_file(image)
    qtbot.waitUntil(lambda: action.dialog is not None, timeout=OCR_WAIT)

    assert text(page, "id_number") == ""
    assert text(page, "name") == "张三"
    address = page.form.editors["address"].widget  # under 更多信息: opened to be checked
    assert address.isVisible() and marked(page, "address")
    assert "未通过校验" in page.message.text()
    assert action.dialog is not None
    assert 14 in action.dialog.suspect_digits()
    action.dialog.fill_number.setChecked(True)  # type: ignore[union-attr]
    action.dialog.accept()
    assert text(page, "id_number") == misread
    assert marked(page, "id_number")  # filled on the clerk's say-so, still to be checked


def test_without_the_ocr_package_the_action_says_what_to_install(
    qtbot: QtBot, page: PendingPage, tmp_path: Path
) -> None:
    def missing() -> TextEngine:
        raise OcrUnavailableError(MISSING_MESSAGE)

    image = tmp_path / "card.png"
    Image.new("RGB", (200, 120), "white").save(image)
    action = CardReadAction(page, page.form, missing)
    action.said.connect(lambda t, e: page._say(t, error=e))
    action.read_file(image)
    qtbot.waitUntil(lambda: "rapidocr-onnxruntime" in page.message.text())
    assert action.button.isEnabled()
    assert text(page, "name") == ""
