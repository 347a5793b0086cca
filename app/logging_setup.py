"""Logging to a rotating file in the log folder (and stderr), set up once at start."""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
import re
import sys
from pathlib import Path

from app import paths

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"

# Last line of defence: an ID number that slipped into a message, an exception's text or a
# traceback is masked. Two rules, because a log cannot know which number is an ID:
# - every run of 14 or more digits (17- and 19-digit typos, numbers split by single spaces or
#   hyphens as clerks type them, with or without the X check character);
# - every value of an ID field (`id_number=…`, `"证件号码": "…"`), whatever its 证件类型:
#   a passport H12345678 has too few digits for the first rule.
_LONG_DIGITS = re.compile(r"(?<![0-9A-Za-z.])\d(?:[ -]?\d){13,}(?:[ -]?[Xx])?(?![0-9A-Za-z])")
_ID_FIELD = re.compile(
    r"(?P<key>(?:id_?(?:number|no|card)|idno|zjhm|证件号码?|身份证号码?)[\"']?\s*[:=：]\s*[\"']?)"
    r"(?P<value>[^\s\"',;)}\]]+)",
    re.IGNORECASE,
)


def _mask_id(number: str) -> str:
    # The ID rules (and python-stdnum, ≈0.2 s) only once a log line holds a number to mask:
    # not at every start.
    from app.services.rules.idnumber import mask_id

    return mask_id(number)


def _mask_digits(match: re.Match[str]) -> str:
    return _mask_id("".join(ch for ch in match.group(0) if ch not in " -"))


def _mask_field(match: re.Match[str]) -> str:
    return match.group("key") + _mask_id(match.group("value"))


def mask_ids(text: str) -> str:
    """`text` with every ID number in it masked (first and last four characters kept)."""
    return _LONG_DIGITS.sub(_mask_digits, _ID_FIELD.sub(_mask_field, text))


class MaskingFormatter(logging.Formatter):
    """Never write a full ID number to the log (STYLE.md), whatever part of the record holds it."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_ids(super().format(record))


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file (the first and each after a rollover) is 0600 on POSIX:
    masked as it is, a log still names people."""

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        if os.name == "posix" and os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, 0o600)  # a log an older client left readable by everyone
        return open(fd, "a", encoding=self.encoding, errors=self.errors)


def setup_logging(level: int = logging.INFO, *, console: bool = True) -> Path:
    """Send the client's logging to the rotating log file; returns the file's path."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_gjj_desk", False):
            root.removeHandler(handler)
            handler.close()
    handlers: list[logging.Handler] = []
    unwritable: OSError | None = None
    try:
        log_file = paths.log_file()
        handlers.append(
            PrivateRotatingFileHandler(
                log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
            )
        )
    except OSError as exc:
        # A read-only or full data folder must not stop the client before it can say so.
        log_file, unwritable = Path(exc.filename or "gjj-desk.log"), exc
    if console or unwritable is not None:
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        handler.setFormatter(MaskingFormatter(FORMAT))
        handler._gjj_desk = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    if unwritable is not None:
        logging.getLogger(__name__).warning("no log file (%s): logging to stderr", unwritable)
    return log_file
