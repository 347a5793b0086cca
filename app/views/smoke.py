"""`gjj-desk --smoke`: the installer's check that a build starts (installer/dist_check.py).

The window is built, shown and filled in exactly as at a normal start (the store opened after
the window is shown: window_start.py); once it is on screen and filled in this prints
`key: value` lines (version, where data, logs and keyring entries go, whether Qt's Chinese
translation ships, the database revision, the start time) and exits — 0 only if the window
was shown and the local database opened at the current revision.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import keyring
import platformdirs
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTimer
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication, QWidget

from app import __version__, paths
from app.services.context import AppServices
from app.services.session import SERVICE as KEYRING_SERVICE
from app.services.store import head_revision
from app.views.main_window import MainWindow

# How long to wait for the window to be on screen (a slow VM under Xvfb), polled, not slept.
EXPOSE_TIMEOUT_S = 30.0
POLL_MS = 20


def translations_file() -> Path:
    """Where Qt looks for its own Chinese texts (QLibraryInfo's TranslationsPath)."""
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    return Path(folder) / "qtbase_zh_CN.qm"


def _qualified_name(kind: type) -> str:
    return f"{kind.__module__}.{kind.__qualname__}"


def smoke_facts(
    window: QWidget, services: AppServices, started: float, shown: float
) -> dict[str, str]:
    """What the check prints, as plain strings."""
    qm = translations_file()
    translated = QCoreApplication.translate("QFileDialog", "Look in:")
    return {
        "version": __version__,
        "frozen": "yes" if getattr(sys, "frozen", False) else "no",
        "window": f"{window.windowTitle()} {window.width()}x{window.height()}",
        "window shown": "yes" if window.isVisible() else "no",
        "shown seconds": f"{shown - started:.2f}",  # on screen, before the store is open
        "start seconds": f"{time.perf_counter() - started:.2f}",  # filled in
        "data folder": str(paths.data_dir()),
        # The folder a clerk's data lives in when no --data-dir is given: the same from
        # source and from the bundle, so an upgrade finds the old data.
        "default data folder": platformdirs.user_data_dir(
            paths.APP_NAME, paths.APP_AUTHOR, roaming=True
        ),
        "log folder": str(paths.log_dir()),
        "keyring service": KEYRING_SERVICE,
        "keyring backend": _qualified_name(type(keyring.get_keyring())),
        "qt translation file": f"{qm} ({'present' if qm.is_file() else 'MISSING'})",
        "qt texts in chinese": "yes" if translated != "Look in:" else "no",
        "font": QFontInfo(QApplication.font()).family(),
        "fundserver imported": "yes" if "fundserver" in sys.modules else "no",
        "switch interval ms": f"{sys.getswitchinterval() * 1000:g}",  # qt_support.py
        "database revision": f"{services.store.revision()} (current {head_revision()})",
    }


def _process_started() -> float:
    """When app/__main__ was first imported (`python -m app` runs it as `__main__`)."""
    for name in ("app.__main__", "__main__"):
        started = getattr(sys.modules.get(name), "STARTED", None)
        if isinstance(started, float):
            return started
    return time.perf_counter()


def run_smoke(app: QApplication, window: MainWindow) -> int:
    """Wait until the window is on screen and filled in, print the facts, quit; the exit code.

    A start that cannot open the store ends the event loop itself (exit 1, told on stderr).
    """
    started = _process_started()
    deadline = time.monotonic() + EXPOSE_TIMEOUT_S
    outcome: list[int] = []
    shown: list[float] = []

    def check() -> None:
        handle = window.windowHandle()
        exposed = handle is not None and handle.isExposed()
        if exposed and not shown:
            shown.append(time.perf_counter())
        if not (exposed and window.filled_in) and time.monotonic() < deadline:
            QTimer.singleShot(POLL_MS, check)
            return
        if not window.filled_in:
            print("smoke: FAILED (the window was not filled in)", flush=True)
            outcome.append(1)
            app.quit()
            return
        services = window.services
        facts = smoke_facts(window, services, started, shown[0] if shown else started)
        ok = exposed and services.store.revision() == head_revision()
        facts["smoke"] = "OK" if ok else "FAILED (window not shown or database not current)"
        # Read by installer/dist_check.py as UTF-8, whatever the console's code page (GBK…).
        reconfigure = getattr(sys.stdout, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")
        for key, value in facts.items():
            print(f"{key}: {value}", flush=True)
        outcome.append(0 if ok else 1)
        app.quit()

    QTimer.singleShot(0, check)
    code = app.exec()
    return outcome[0] if outcome else code or 1
