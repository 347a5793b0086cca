"""Every page of the tree fits beside the tree on a 1024×768 screen at 125 % scaling.

Windows at 125 % on a 1024×768 screen leaves 819×614 device-independent pixels (see
tests/views/business/test_window_sizing.py). A page cannot be squeezed below its minimum size,
and the page stack takes the largest minimum of the pages opened so far: one page too wide
pushes the window, and the buttons at the right of every page, off the screen.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from pytestqt.qtbot import QtBot

from app.services.catalog import all_entries
from app.services.context import AppServices
from app.views.main_window import MainWindow
from app.views.pages import page_factories
from tests.views.business.test_open_account_form import make_unit

SCALED_SCREEN = QSize(819, 614)
TITLE_BAR = 40  # the window manager's frame above the window


def _window(qtbot: QtBot, services: AppServices) -> MainWindow:
    make_unit(services)
    window = MainWindow(services, pages=page_factories(services))
    qtbot.addWidget(window)
    window.resize(SCALED_SCREEN.width(), SCALED_SCREEN.height() - TITLE_BAR)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_every_page_fits_beside_the_tree(qtbot: QtBot, services: AppServices) -> None:
    window = _window(qtbot, services)
    room = QSize(
        SCALED_SCREEN.width() - window.tree.minimumWidth() - window.splitter.handleWidth(),
        SCALED_SCREEN.height() - TITLE_BAR,
    )
    too_big = {}
    for entry in all_entries():
        needed = window.open_page(entry.key).minimumSizeHint()
        if needed.width() > room.width() or needed.height() > room.height():
            too_big[entry.label] = needed.toTuple()
    assert too_big == {}, f"room beside the tree: {room.toTuple()}"
