"""Starting the window: QApplication, logging, fonts, the crash hook, the store."""

from __future__ import annotations

import logging
import sys

import shiboken6
from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication

from app import __version__, paths
from app.logging_setup import setup_logging
from app.services.settings import Settings
from app.views.main_window import MainWindow
from app.views.qt_support import (
    favour_the_window_thread,
    install_excepthook,
    install_fonts,
    install_style,
    route_qt_messages,
)
from app.views.window_start import WindowStart

logger = logging.getLogger(__name__)


QT_TRANSLATION = "qtbase_zh_CN"
# Texts Qt 6 changed (an accelerator added) that its zh_CN catalogue has not caught up with.
QT_SUPPLEMENT: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
}


class _SupplementTranslator(QTranslator):
    """Asked after qtbase_zh_CN; None lets Qt fall back to the next translator or the source."""

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        return QT_SUPPLEMENT.get((context, source))

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return False


def install_translations(app: QApplication) -> QTranslator | None:
    """Qt's own texts (file dialogs, context menus, standard buttons) in Simplified Chinese.

    The catalogue ships with PySide6; the translator is a child of `app`, so it lives as long as
    the application. Returns it (None, logged, when the catalogue is missing from a bundle).
    """
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if not translator.load(QT_TRANSLATION, folder):
        logger.warning("Qt's Chinese translation %s not found in %s", QT_TRANSLATION, folder)
        translator.deleteLater()
        return None
    # Qt asks the translator installed last first: the catalogue, then the supplement.
    app.installTranslator(_SupplementTranslator(app))
    app.installTranslator(translator)
    return translator


def run_gui(argv: list[str] | None = None, *, demo: bool = False, smoke: bool = False) -> int:
    """Open the main window and run until it closes; returns the process exit code.

    The window is shown first and filled in once the event loop runs (window_start.py): the
    store, the keyring and the pages' services are not imported before it is on screen.
    `smoke`: show the window, print what the installer's check needs and exit (app/views/smoke.py).
    """
    log_file = setup_logging()
    route_qt_messages()
    favour_the_window_thread()
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("gjj-desk")
    app.setApplicationDisplayName("住房公积金单位网厅客户端")
    app.setApplicationVersion(__version__)
    install_translations(app)
    install_fonts(app)
    install_style(app)
    if not smoke:  # the installer's start check must fail fast, not wait on an error dialog
        install_excepthook()
    logger.info("gjj-desk %s starting; log at %s", __version__, log_file)
    settings = Settings()
    window = MainWindow(None, settings=settings)
    window.show()
    # fundserver (the demo centre) is imported only in demo mode.
    demo_centre = paths.data_dir() / "demo-centre" if demo else None
    start = WindowStart(window, settings, demo_centre=demo_centre, smoke=smoke)
    QTimer.singleShot(0, start.begin)
    if smoke:
        from app.views.smoke import run_smoke

        code = run_smoke(app, window)
    else:
        code = app.exec()
    # The window (and its pages) go first, while the hub their `destroyed` handlers disconnect
    # from is still there; then the store closes.
    shiboken6.delete(window)
    start.close()
    return code if start.exit_code is None else start.exit_code
