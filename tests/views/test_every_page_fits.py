"""Every page of the tree fits beside the tree on a 1024×768 screen at 125 % scaling.

Windows at 125 % on a 1024×768 screen leaves 819×614 device-independent pixels (see
tests/views/business/test_window_sizing.py). A page cannot be squeezed below its minimum size,
and the page stack takes the largest minimum of the pages opened so far: one page too wide
pushes the window, and the buttons at the right of every page, off the screen. A page is
measured with the longest texts it shows (汇缴核定's figures of a big unit, offline notes).
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QBoxLayout,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.services.attachments import AttachmentService
from app.services.businesses import SPECS
from app.services.catalog import all_entries
from app.services.context import AppServices
from app.services.engine.pending import PendingLists
from app.services.payments.remittance import RemittanceFigures, Tally
from app.services.rules.yearmonth import YearMonth
from app.views.attachments import AttachmentPanel
from app.views.main_window import MainWindow
from app.views.pages import page_factories
from app.views.payments.remittance_page import RemittancePage, figure_texts
from tests.views.attachments.conftest import NoScanner
from tests.views.business.test_open_account_form import make_unit

SCALED_SCREEN = QSize(819, 614)
TITLE_BAR = 40  # the window manager's frame above the window
BIG = Decimal("12345678.90")  # a big unit's month: 8 digits of 元


def _window(qtbot: QtBot, services: AppServices) -> MainWindow:
    make_unit(services)
    window = MainWindow(services, pages=page_factories(services))
    qtbot.addWidget(window)
    window.resize(SCALED_SCREEN.width(), SCALED_SCREEN.height() - TITLE_BAR)
    window.show()
    qtbot.waitExposed(window)
    return window


def big_figures() -> RemittanceFigures:
    """汇缴核定's widest figures: every amount 8 digits, every tally thousands of people."""
    tally = Tally(12345, BIG)
    return RemittanceFigures(
        month=YearMonth(2026, 12),
        people=(),
        monthly_total=BIG,
        temporary_balance=None,  # offline: 需联网
        assessed_total=BIG,
        last_month=None,  # —（见下方说明）
        increase=tally,
        decrease=tally,
        adjustment=-BIG,
    )


def _with_longest_texts(page: QWidget) -> None:
    if isinstance(page, RemittancePage):
        for key, text in figure_texts(big_figures()).items():
            page.values[key].setText(text)
        page.notes.setText("中心没有 2026-11 的汇缴核定记录，上月人数/金额无法核对。" * 3)
    layout = page.layout()
    if layout is not None:  # measured now, not when the event loop next lays it out
        layout.invalidate()
        layout.activate()


def test_every_page_fits_beside_the_tree(qtbot: QtBot, services: AppServices) -> None:
    window = _window(qtbot, services)
    room = QSize(
        SCALED_SCREEN.width() - window.tree.minimumWidth() - window.splitter.handleWidth(),
        SCALED_SCREEN.height() - TITLE_BAR,
    )
    too_big = {}
    for entry in all_entries():
        page = window.open_page(entry.key)
        _with_longest_texts(page)
        needed = page.minimumSizeHint().expandedTo(page.minimumSize())
        if needed.width() > room.width() or needed.height() > room.height():
            too_big[entry.label] = needed.toTuple()
    assert too_big == {}, f"room beside the tree: {room.toTuple()}"


def test_every_month_field_shows_its_whole_placeholder(qtbot: QtBot, services: AppServices) -> None:
    """核定查询's 起始年月/终止年月 (and every other field's hint) read whole at 1024×768@125 %."""
    window = _window(qtbot, services)
    clipped = {}
    for entry in all_entries():
        page = window.open_page(entry.key)
        qtbot.waitExposed(page)
        for edit in page.findChildren(QLineEdit):
            hint = edit.placeholderText()
            if hint and edit.isVisible():
                room = edit.contentsRect().width() - 2 * 4  # the frame's text margins
                if edit.fontMetrics().horizontalAdvance(hint) > room:
                    clipped[f"{entry.label}:{hint}"] = (edit.width(), room)
    assert clipped == {}, "\n".join(f"{k} {v}" for k, v in clipped.items())


def _tab_stops(page: QWidget) -> list[tuple[str, int]]:
    """The widgets Tab visits on `page`, in order, each with how far down the page it is."""
    stops: list[tuple[str, int]] = []
    widget = page.nextInFocusChain()
    while widget is not page and len(stops) < 200:
        reachable = widget.isVisible() and widget.isEnabled()
        if (
            reachable
            and page.isAncestorOf(widget)
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        ):
            name = widget.accessibleName() or widget.objectName() or type(widget).__name__
            stops.append((name, widget.mapTo(page, QPoint(0, 0)).y()))
        widget = widget.nextInFocusChain()
    return stops


def test_tab_goes_down_every_page_never_back_up(qtbot: QtBot, services: AppServices) -> None:
    """Tab follows the page as a clerk reads it: left to right, top to bottom."""
    window = _window(qtbot, services)
    backwards = {}
    for entry in all_entries():
        page = window.open_page(entry.key)
        qtbot.waitExposed(page)
        stops = _tab_stops(page)
        up = [(a[0], b[0]) for a, b in zip(stops, stops[1:], strict=False) if b[1] < a[1] - 30]
        if up:
            backwards[entry.label] = up
    assert backwards == {}


FIELDS = (QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QTextEdit)


def _is_field_label(label: QLabel) -> bool:
    """A label with a buddy, or one placed right before a field in a row of its layout
    (not a 至 between two fields: that joins a range, it names nothing)."""
    if label.buddy() is not None:
        return True
    parent = label.parentWidget()
    layouts = parent.findChildren(QBoxLayout) if parent is not None else []
    for layout in layouts:
        at = layout.indexOf(label)
        if 0 <= at < layout.count() - 1:
            before = _widget_at(layout, at - 1)
            following = _widget_at(layout, at + 1)
            return isinstance(following, FIELDS) and not isinstance(before, FIELDS)
    return False


def _widget_at(layout: QBoxLayout, index: int) -> QWidget | None:
    item = layout.itemAt(index) if index >= 0 else None
    return item.widget() if item is not None else None


def _bare_field_labels(widget: QWidget) -> list[str]:
    return [
        label.text()
        for label in widget.findChildren(QLabel)
        if _is_field_label(label) and not label.text().rstrip().endswith("：")
    ]


def test_every_field_label_ends_in_a_colon(qtbot: QtBot, services: AppServices) -> None:
    """姓名： as 封存原因： — the walkthrough found the person lookup's labels without one."""
    window = _window(qtbot, services)
    bare = {}
    for entry in all_entries():
        page = window.open_page(entry.key)
        if found := _bare_field_labels(page):
            bare[entry.label] = found
    assert bare == {}


def test_the_attachment_panel_labels_end_in_a_colon(qtbot: QtBot, services: AppServices) -> None:
    """扫描仪： 来源： 分辨率： 色彩： — the walkthrough found the 影像资料 panel's without one."""
    unit = services.units.add("100001", "开封市示范机械厂")
    policy = services.units.policy(unit.id)
    pending = PendingLists(services.store, SPECS["open-account"], unit.id, lambda: policy)
    attachments = AttachmentService(services.store, unit.id)
    panel = AttachmentPanel(attachments, "open-account", pending.list_id(), policy, NoScanner())
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.picker.listed, timeout=30_000)
    assert _bare_field_labels(panel) == []
