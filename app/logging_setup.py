"""Logging to a rotating file in the log folder (and stderr), set up once at start."""

from __future__ import annotations

import logging
import logging.handlers
import re
import sys
from pathlib import Path

from app import paths

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"

# Last line of defence: an ID number that slipped into a message, an exception's text or a
# traceback (SQLAlchemy errors print their parameters) is masked: 18 digits (or 17 + X) and
# legacy 15-digit numbers.
_ID_18 = re.compile(r"(?<![0-9A-Za-z])(\d{4})\d{10}(\d{3}[\dXx])(?![0-9A-Za-z])")
_ID_15 = re.compile(r"(?<![0-9A-Za-z])(\d{4})\d{8}(\d{3})(?![0-9A-Za-z])")


def mask_ids(text: str) -> str:
    return _ID_15.sub(r"\1********\2", _ID_18.sub(r"\1**********\2", text))


class MaskingFormatter(logging.Formatter):
    """Never write a full ID number to the log (STYLE.md), whatever part of the record holds it."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_ids(super().format(record))


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
        handler.setFormatter(MaskingFormatter(FORMAT))
        handler._gjj_desk = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    return log_file
