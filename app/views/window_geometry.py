"""The main window's size and splitter, kept between runs and fitted to the screen."""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray, QRect, QSize
from PySide6.QtWidgets import QMainWindow, QSplitter, QWidget

from app.errors import KnownError
from app.services.settings import Settings

logger = logging.getLogger(__name__)


def fit_screen(window: QMainWindow) -> None:
    """Never larger than the screen, nor off it: 1024×768 is a common office screen, and a
    size kept from a bigger one (or a second monitor since unplugged) would hide 添加."""
    screen = window.screen().availableGeometry()
    frame = _frame(window)
    width = min(window.width(), screen.width() - frame.width())
    height = min(window.height(), screen.height() - frame.height())
    window.resize(max(width, window.minimumWidth()), max(height, window.minimumHeight()))
    if not screen.contains(window.frameGeometry().topLeft()):
        window.move(screen.topLeft())


# The window manager's title bar and borders before the window is first shown (Qt knows them
# only then): Windows 10/11 at 100–150 % draw about 31 px of title bar and 8 px of borders.
UNSHOWN_FRAME = QSize(16, 40)


def _frame(window: QMainWindow) -> QSize:
    """The title bar and borders around the window's contents (estimated until it is shown)."""
    frame = window.frameGeometry().size() - window.geometry().size()
    if frame.isEmpty() and not window.isVisible():
        return UNSHOWN_FRAME  # else a screen-high window's status bar ends below the screen
    return frame


def grow_for(window: QMainWindow, page: QWidget, beside: QWidget) -> None:
    """Grow the window until `page` (shown where `beside`'s stack is) has its minimum size.

    A page larger than the window (汇缴核定 after 个人开户) would be squeezed or cut, its
    buttons off the window; on a screen with room the window grows to fit it — within the
    screen's available area, never beyond it, and never smaller than the clerk made it.
    """
    if not window.isVisible() or window.isMaximized() or window.isFullScreen():
        return  # before it is shown its sizes say nothing; maximized is the clerk's choice
    layout = page.layout()
    if layout is not None:
        layout.activate()  # texts set since the last layout pass count too
    needed = page.minimumSizeHint().expandedTo(page.minimumSize())
    short = needed - beside.size()
    if short.width() <= 0 and short.height() <= 0:
        return
    screen = window.screen().availableGeometry()
    room = screen.size() - _frame(window)
    wanted = window.size() + QSize(max(short.width(), 0), max(short.height(), 0))
    size = wanted.boundedTo(room).expandedTo(window.size())
    if size == window.size():
        return
    window.resize(size)
    # Grown past the screen's right or bottom edge: moved back in, whole.
    place = window.frameGeometry()
    x = min(place.x(), screen.right() + 1 - place.width())
    y = min(place.y(), screen.bottom() + 1 - place.height())
    window.move(max(x, screen.left()), max(y, screen.top()))


# The first start's share of the screen: most of a clerk's big screen, and on a small one (below
# the size the pages were laid out for, COMFORTABLE) as much of it as fits.
SHARE = 0.8
COMFORTABLE = QSize(1100, 720)
LARGEST = QSize(1680, 1050)  # on a 4K screen a window edge to edge only spreads the lists thin


def first_place(screen: QRect, frame: QSize, minimum: QSize) -> QRect:
    """Where the window opens the first time: ~80 % of the available screen (never below the
    comfortable size where the screen allows it, never above LARGEST), centred, and whole on
    the screen with its title bar and borders (`frame`)."""
    room = screen.size() - frame
    share = QSize(round(screen.width() * SHARE), round(screen.height() * SHARE))
    size = share.expandedTo(COMFORTABLE).boundedTo(LARGEST).boundedTo(room).expandedTo(minimum)
    outer = size + frame
    left = screen.x() + max((screen.width() - outer.width()) // 2, 0)
    top = screen.y() + max((screen.height() - outer.height()) // 2, 0)
    return QRect(left, top, size.width(), size.height())  # where the frame's top-left goes


def restore(window: QMainWindow, splitter: QSplitter, settings: Settings) -> None:
    """The size and place the clerk left the window in; the first time, `first_place`."""
    geometry = settings.get("window_geometry")
    if geometry:
        window.restoreGeometry(QByteArray.fromBase64(geometry.encode("ascii")))
    else:
        screen = window.screen().availableGeometry()
        place = first_place(screen, _frame(window), window.minimumSize())
        window.resize(place.size())
        window.move(place.topLeft())  # move() places the frame, title bar included
    fit_screen(window)
    state = settings.get("window_splitter")
    if state:
        splitter.restoreState(QByteArray.fromBase64(state.encode("ascii")))


def save(window: QMainWindow, splitter: QSplitter, settings: Settings) -> None:
    """Kept for the next start; a full disk must not stop the window from closing."""
    try:
        settings.set("window_geometry", _b64(window.saveGeometry()))
        settings.set("window_splitter", _b64(splitter.saveState()))
    except KnownError as error:
        logger.warning("could not save window geometry: %s", error)


def _b64(data: QByteArray) -> str:
    return bytes(data.toBase64().data()).decode("ascii")
