"""Logging to a rotating file in the log folder (and stderr), set up once at start."""

from __future__ import annotations

import logging
import logging.handlers
import re
import sys
from pathlib import Path

from app import paths

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"

# Last line of defence: an 18-digit ID number that slipped into a message is masked.
_ID_LIKE = re.compile(r"(?<!\d)(\d{4})\d{10}(\d{3}[\dXx])(?!\d)")


class MaskIdNumbers(logging.Filter):
    """Never write a full ID number to the log (STYLE.md)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _ID_LIKE.sub(r"\1**********\2", message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def setup_logging(level: int = logging.INFO, *, console: bool = True) -> Path:
    """Send the client's logging to the rotating log file; returns the file's path."""
    log_file = paths.log_file()
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_gjj_desk", False):
            root.removeHandler(handler)
            handler.close()
    file_handler = logging.handlers.RotatingFileHandler(
        log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    handlers: list[logging.Handler] = [file_handler]
    if console:
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(MaskIdNumbers())
        handler._gjj_desk = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    return log_file
