"""Qt glue shared by every view: Qt messages into logging, the crash dialog, fonts."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app import paths
from app.errors import KnownError

logger = logging.getLogger(__name__)
qt_logger = logging.getLogger("qt")

# How long a thread running Python may keep the interpreter lock while another asks for it.
# Python's default is 5 ms. Painting a list calls Python (rowCount, data, headerData) about a
# thousand times, and each call takes the lock back from a busy worker (an import's check, a
# review's sort): a paint then waited up to the default once per call. Measured on these 2-core
# machines with a worker running pure Python: a 10 ms timer on the window's thread was late by
# up to 67-131 ms at 5 ms, 20 ms at 0.5 ms; the worker's total time did not change.
UI_SWITCH_INTERVAL = 0.0005

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    qt_logger.log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)


def favour_the_window_thread() -> None:
    """Let the window's thread take the interpreter back from workers quickly (above)."""
    sys.setswitchinterval(UI_SWITCH_INTERVAL)


def route_qt_messages() -> None:
    """Qt's own warnings go to our log file instead of a console nobody sees."""
    qInstallMessageHandler(_qt_message)


def install_fonts(app: QApplication) -> None:
    """Prefer a CJK font so Chinese never renders as boxes (the bundled one if present)."""
    bundled = Path(__file__).resolve().parents[2] / "resources" / "fonts"
    for font_file in sorted(bundled.glob("*.tt[fc]")) if bundled.is_dir() else []:
        QFontDatabase.addApplicationFont(str(font_file))
    families = set(QFontDatabase.families())
    for family in (
        "Microsoft YaHei UI",
        "Microsoft YaHei",
        "PingFang SC",
        "Noto Sans CJK SC",
        "WenQuanYi Micro Hei",
        "Source Han Sans SC",
        "SimSun",
    ):
        if family in families:
            font = QFont(family, 10)
            app.setFont(font)
            return
    logger.warning("no CJK font found; Chinese text may not render")


def install_style(app: QApplication) -> None:
    """Fusion (the same on every Windows version) and the client's small style sheet."""
    app.setStyle("Fusion")
    sheet = Path(__file__).resolve().parents[2] / "resources" / "style" / "app.qss"
    if sheet.is_file():
        app.setStyleSheet(sheet.read_text(encoding="utf-8"))


def show_known_error(parent: QWidget | None, error: KnownError, title: str = "提示") -> None:
    QMessageBox.warning(parent, title, error.message)


def install_excepthook(show_dialog: Callable[[str], None] | None = None) -> None:
    """An exception nobody caught is a bug: log it with its traceback and show the crash dialog."""

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if isinstance(value, KnownError):  # known trouble that escaped a handler: just say it
            logger.warning("unhandled known error: %s", value)
            (show_dialog or _crash_dialog)(value.message)
            return
        text = "".join(traceback.format_exception(kind, value, tb))
        logger.critical("uncaught exception:\n%s", text)
        message = (
            "程序遇到意外错误，已记录到日志。\n\n"
            f"错误：{kind.__name__}: {value}\n\n"
            f"日志位置：{paths.log_file()}\n\n"
            "您录入的数据已保存在本地。请将日志文件发送给技术支持。"
        )
        (show_dialog or _crash_dialog)(message)

    sys.excepthook = hook


def _crash_dialog(message: str) -> None:
    if QApplication.instance() is None:
        print(message, file=sys.stderr)
        return
    box = QMessageBox(QMessageBox.Icon.Critical, "程序错误", message)
    box.exec()
