"""The 整个清册统一填写 bar: its editors are told apart from the form's by name, and it sits in
the 清册's own frame, not between the form's 添加 and the list."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from app.services.businesses import SPECS
from app.services.context import AppServices
from app.views.business.list_values import ListValuesBar
from app.views.business.pending_page import PendingPage
from tests.views.business.test_person_pages import make_page
from tests.views.test_every_page_fits import _window


def _inputs(page: QWidget) -> list[QWidget]:
    return [*page.findChildren(QLineEdit), *page.findChildren(QComboBox)]


@pytest.mark.parametrize("code", ["seal", "unseal"])
def test_the_list_values_have_names_of_their_own(
    qtbot: QtBot, services: AppServices, unit_id: int, code: str
) -> None:
    page = make_page(qtbot, services, unit_id, SPECS[code])
    spec = page.pending.spec
    names = Counter(w.accessibleName() for w in _inputs(page) if w.accessibleName())
    assert [name for name, count in names.items() if count > 1] == []
    object_names = Counter(w.objectName() for w in _inputs(page) if w.objectName())
    assert [name for name, count in object_names.items() if count > 1] == []
    for field in spec.list_level:
        in_form = page.form.editors[field.key].widget
        in_list = page.list_values.editors[field.key].widget
        assert in_form.accessibleName() == field.label
        assert in_list.accessibleName() == f"整个清册统一填写的{field.label}"
        assert "留空的记录" in in_list.accessibleDescription()


def test_the_list_values_sit_in_the_list_frame_above_its_search(
    qtbot: QtBot, services: AppServices, unit_id: int
) -> None:
    page = make_page(qtbot, services, unit_id, SPECS["seal"])
    bar, panel = page.list_values, page.list
    assert bar.isVisible() and panel.isAncestorOf(bar)
    assert bar.geometry().bottom() < panel.search.geometry().top()
    assert bar.geometry().left() == panel.search.geometry().left()  # one left edge


def test_the_batch_page_sets_the_same_list_values_as_the_single_page(
    qtbot: QtBot, services: AppServices
) -> None:
    """A file whose 封存原因 cells are blank takes the list's: the batch page must offer it."""
    window = _window(qtbot, services)
    batch = window.open_page("seal-batch")
    qtbot.waitExposed(batch)
    bar = batch.findChild(ListValuesBar)
    assert isinstance(bar, ListValuesBar) and bar.isVisible()
    assert bar.editors["reason"].widget.accessibleName() == "整个清册统一填写的封存原因"
    reason = bar.editors["reason"].widget
    assert isinstance(reason, QComboBox)
    reason.setCurrentText("离职")
    qtbot.mouseClick(bar.save_button, Qt.MouseButton.LeftButton)
    assert bar.message.text() == "已设置"

    single = window.open_page("seal")
    qtbot.waitExposed(single)
    assert isinstance(single, PendingPage)
    assert single.list_values.editors["reason"].value() == "离职"
    window.open_page("seal-batch")
    assert bar.editors["reason"].value() == "离职"
