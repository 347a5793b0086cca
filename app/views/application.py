"""Starting the window: QApplication, logging, fonts, the crash hook, the store."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from app import __version__, paths
from app.errors import KnownError
from app.logging_setup import setup_logging
from app.services.context import AppServices
from app.services.session import CentreSession
from app.views import file_dialogs
from app.views.main_window import MainWindow
from app.views.pages import page_factories
from app.views.qt_support import (
    install_excepthook,
    install_fonts,
    install_style,
    route_qt_messages,
)

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

    `smoke`: show the window, print what the installer's check needs and exit (app/views/smoke.py).
    """
    log_file = setup_logging()
    route_qt_messages()
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
    demo_server = None
    try:
        if demo:
            # fundserver (the demo centre) is imported only in demo mode.
            from app.services.demo import start_demo_server

            demo_server = start_demo_server(paths.data_dir() / "demo-centre")
        services = AppServices.open()
    except KnownError as error:
        QMessageBox.critical(None, "无法启动", error.message)
        return 1
    file_dialogs.use_settings(services.settings)
    session = CentreSession(services)
    window = MainWindow(services, page_factories(services, session=session), session=session)
    window.show()
    if smoke:
        from app.views.smoke import run_smoke

        code = run_smoke(app, window, services)
        services.close()
        return code
    if demo_server is not None:
        window.show_demo_login(demo_server.url)
    else:
        unit = services.units.current()
        if unit is not None and unit.server_url and not session.is_logged_in(unit):
            window.show_login()
        else:
            window.sync_roster()
    code = app.exec()
    services.close()
    if demo_server is not None:
        demo_server.stop()
    return code
