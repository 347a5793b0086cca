"""The window's start after it is shown: open the store, then fill the window in (issue 12).

`run_gui` shows the main window's frame first; once the event loop runs, `WindowStart.begin`
reads the current unit with plain sqlite3 on a worker (first_screen.py: no SQLAlchemy) and
shows it on the home page and the status bar (`first_screen`). Then it opens the local store
(SQLAlchemy, the migration check), starts the demo centre if asked and finds the keyring's
backend on a worker, so the window paints and takes clicks meanwhile. Back on the UI thread
the session, the pages and the sync come in (`MainWindow.fill`), then what a start does next:
the login, or the roster brought up to date.
"""

from __future__ import annotations

import gc
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from app.errors import KnownError
from app.views.ops import Op

if TYPE_CHECKING:
    from app.services.context import AppServices
    from app.services.first_screen import FirstScreen
    from app.services.settings import Settings
    from app.views.main_window import MainWindow
    from fundserver.process import FundServerProcess

logger = logging.getLogger(__name__)


@dataclass
class Opened:
    services: AppServices
    demo_server: FundServerProcess | None


def read_ahead(current_code: str | None) -> FirstScreen | None:
    """On a worker: the first screen's facts, when the database can be read without the store."""
    from app import paths
    from app.services.first_screen import read_first_screen

    try:
        database = paths.database_path()
    except OSError:
        return None  # Store.open says what is wrong with the data folder
    return read_first_screen(database, current_code)


def open_store(settings: Settings, demo_centre: Path | None) -> Opened | Exception:
    """On a worker: the demo centre (demo mode only), the store, the keyring's backend (when a
    unit could be logged in)."""
    try:
        return _open(settings, demo_centre)
    except KnownError:
        raise  # the failure callback says it
    except Exception as exc:  # a bug: WindowStart still ends the start (Op only logs it)
        return exc


def _open(settings: Settings, demo_centre: Path | None) -> Opened:
    from app.services.context import AppServices

    demo_server = None
    if demo_centre is not None:
        from app.services.demo import start_demo_server  # fundserver: only in demo mode

        demo_server = start_demo_server(demo_centre)
    try:
        services = AppServices.open(settings=settings)
    except BaseException:
        if demo_server is not None:
            demo_server.stop()
        raise
    # What the fill imports (the session, the pages' catalogue of businesses, the sync, the
    # home page's roster count), imported here: the UI thread then only builds and connects.
    # Imported there, they held the window still for 0.5-0.7 s after the unit was shown.
    import app.services.businesses
    import app.services.roster
    import app.services.session
    import app.views.backup_menu
    import app.views.file_dialogs
    import app.views.pages
    import app.views.sync_controller  # noqa: F401

    unit = services.units.current()
    if unit is not None and (unit.server_url or settings.get("server_url")):
        import keyring

        # The status bar asks the keyring whether this unit is logged in; finding its backend
        # imports every installed one (on Linux Secret Service, with cryptography): not on
        # the UI thread, and not at all while no unit could be logged in.
        keyring.get_keyring()
    return Opened(services, demo_server)


class WindowStart:
    """Fills `window` in once the event loop runs; `opened` holds what it opened."""

    def __init__(
        self,
        window: MainWindow,
        settings: Settings,
        *,
        demo_centre: Path | None = None,
        smoke: bool = False,
    ) -> None:
        self.window = window
        self.settings = settings
        self.demo_centre = demo_centre
        self.smoke = smoke
        self.opened: Opened | None = None
        self.failed: BaseException | None = None  # why the start ended, if it did
        self.exit_code: int | None = None  # the process's, when the start ended here
        self.op: Op[Opened | Exception] | None = None

    def begin(self) -> Op[FirstScreen | None]:
        """Show the unit read ahead of the store, then open the store and fill the window in."""
        current_code = self.settings.get("current_unit")
        ahead = Op(self.window, lambda _ctx: read_ahead(current_code))
        return ahead.success(self._read_ahead).failure(lambda _error: self._read_ahead(None)).run()

    def _read_ahead(self, screen: FirstScreen | None) -> None:
        if screen is not None:
            self.window.show_screen(screen)
        self._open_store()

    def _open_store(self) -> Op[Opened | Exception]:
        settings, demo_centre = self.settings, self.demo_centre
        self.op = Op(self.window, lambda _ctx: open_store(settings, demo_centre))
        return self.op.success(self._opened).failure(self._failed).run()

    def _opened(self, opened: Opened | Exception) -> None:
        if isinstance(opened, Exception):
            self._failed(opened)
            return
        from app.services.session import CentreSession
        from app.views import file_dialogs
        from app.views.pages import page_factories

        self.opened = opened
        services = opened.services
        file_dialogs.use_settings(services.settings)
        session = CentreSession(services)
        window = self.window
        pages = page_factories(services, hub=window.changes, session=session)
        window.fill(services, pages, session)
        # What the start made lives as long as the process. A full collection walks every
        # tracked object holding the interpreter lock: with the start-up heap in it, a worker
        # building 10,000 rows set one off that froze the window for 200-275 ms (stall probe,
        # tests/views/business/test_import_responsive.py); frozen, the walks skip it.
        gc.freeze()
        if self.smoke:
            return  # the smoke check (smoke.py) looks at the window now; no dialogs
        if opened.demo_server is not None:
            window.show_demo_login(opened.demo_server.url)
            return
        unit = services.units.current()
        if unit is not None and unit.server_url and not session.is_logged_in(unit):
            window.show_login()
        else:
            window.sync_roster()

    def _failed(self, error: BaseException) -> None:
        self.failed = error
        if isinstance(error, KnownError):
            logger.error("cannot start: %s", error)
            if self.smoke:  # the installer's check fails fast, not on a dialog nobody sees
                print(f"无法启动：{error.message}", file=sys.stderr, flush=True)
            else:
                QMessageBox.critical(self.window, "无法启动", error.message)
        else:
            sys.excepthook(type(error), error, error.__traceback__)
        # Closing the last window ends the event loop; QApplication.exit would also end every
        # event loop started later in this process (a test's waits).
        self.exit_code = 1
        self.window.close()

    def close(self) -> None:
        """After the event loop: close the store, stop the demo centre."""
        if self.opened is None:
            return
        self.opened.services.close()
        if self.opened.demo_server is not None:
            self.opened.demo_server.stop()
