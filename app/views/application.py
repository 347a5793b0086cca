"""Starting the window: QApplication, logging, fonts, the crash hook, the store."""

from __future__ import annotations

import logging
import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from app import __version__, paths
from app.errors import KnownError
from app.logging_setup import setup_logging
from app.services.context import AppServices
from app.services.session import CentreSession
from app.views.main_window import MainWindow
from app.views.pages import page_factories
from app.views.qt_support import (
    install_excepthook,
    install_fonts,
    install_style,
    route_qt_messages,
)

logger = logging.getLogger(__name__)


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
    install_fonts(app)
    install_style(app)
    install_excepthook()
    logger.info("gjj-desk %s starting; log at %s", __version__, log_file)
    demo_server = None
    try:
        if demo:
            # fundserver (the demo centre) is imported only in demo mode.
            from app.services.demo import DEMO_PASSWORD, DEMO_UNIT_CODE, start_demo_server

            demo_server = start_demo_server(paths.data_dir() / "demo-centre")
        services = AppServices.open()
    except KnownError as error:
        QMessageBox.critical(None, "无法启动", error.message)
        return 1
    session = CentreSession(services)
    window = MainWindow(services, page_factories(services), session=session)
    window.show()
    if smoke:
        from app.views.smoke import run_smoke

        code = run_smoke(app, window, services)
        services.close()
        return code
    if demo_server is not None:
        window.show_login(
            server_url=demo_server.url,
            unit_code=DEMO_UNIT_CODE,
            hint=f"演示模式：本机已启动参考中心服务器（{demo_server.url}）。"
            f"演示单位账号 {DEMO_UNIT_CODE}，密码 {DEMO_PASSWORD}。",
        )
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
