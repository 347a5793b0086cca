"""The main window's size and splitter, kept between runs and fitted to the screen."""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray, QSize
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


def restore(window: QMainWindow, splitter: QSplitter, settings: Settings) -> None:
    geometry = settings.get("window_geometry")
    if geometry:
        window.restoreGeometry(QByteArray.fromBase64(geometry.encode("ascii")))
    else:
        window.resize(1100, 720)
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
