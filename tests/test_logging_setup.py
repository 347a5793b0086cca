"""The log file never holds a full ID number: not in messages, exceptions or tracebacks."""

from __future__ import annotations

import logging
from pathlib import Path

from app import paths
from app.logging_setup import setup_logging

ID_18 = "41020319900101123X"
ID_15 = "410203900101123"


def test_ids_are_masked_everywhere_in_the_log_file(data_dir: Path) -> None:
    log_file = setup_logging(logging.INFO, console=False)
    log = logging.getLogger("tests.logging")
    try:
        log.info("checked %s and legacy %s", ID_18, ID_15)
        try:
            raise ValueError(f"bad row {{'id_number': '{ID_18}'}}")
        except ValueError:
            log.exception("import failed")
    finally:
        root = logging.getLogger()
        for handler in list(root.handlers):
            if getattr(handler, "_gjj_desk", False):
                root.removeHandler(handler)
                handler.close()
    text = log_file.read_text(encoding="utf-8")
    assert log_file == paths.log_file()
    assert "4102**********123X" in text and "4102********123" in text
    assert ID_18 not in text and ID_15 not in text
    assert "ValueError: bad row" in text  # the traceback is there, only the number masked
