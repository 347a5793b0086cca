"""The 整个清册统一填写 bar: its editors are told apart from the form's by name, and it sits in
the 清册's own frame, not between the form's 添加 and the list."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from app.services.businesses import SPECS
from app.services.context import AppServices
from tests.views.business.test_person_pages import make_page


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
