"""The main window's size and splitter, kept between runs and fitted to the screen."""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QMainWindow, QSplitter

from app.errors import KnownError
from app.services.settings import Settings

logger = logging.getLogger(__name__)


def fit_screen(window: QMainWindow) -> None:
    """Never larger than the screen, nor off it: 1024×768 is a common office screen, and a
    size kept from a bigger one (or a second monitor since unplugged) would hide 添加."""
    screen = window.screen().availableGeometry()
    frame = window.frameGeometry().size() - window.geometry().size()  # title bar and borders
    width = min(window.width(), screen.width() - frame.width())
    height = min(window.height(), screen.height() - frame.height())
    window.resize(max(width, window.minimumWidth()), max(height, window.minimumHeight()))
    if not screen.contains(window.frameGeometry().topLeft()):
        window.move(screen.topLeft())


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
