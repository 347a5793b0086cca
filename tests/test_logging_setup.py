"""The log file never holds a full ID number: not in messages, exceptions or tracebacks."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from app import paths
from app.logging_setup import mask_ids, setup_logging

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
    assert "4102**********123X" in text and "4102*******1123" in text
    assert ID_18 not in text and ID_15 not in text
    assert "ValueError: bad row" in text  # the traceback is there, only the number masked


@pytest.mark.parametrize(
    ("text", "leaked"),
    [
        # typos one digit short or long of 18 are still somebody's ID number
        ("row 3: 41020319900101123 is 17 digits", "41020319900101123"),
        ("row 4: 4102031990010112345 is 19 digits", "4102031990010112345"),
        # typed with spaces or hyphens, as people read them out
        ("ID 4102 0319 9001 0112 3X rejected", "0319 9001 0112"),
        ("ID 410203-19900101-1234 rejected", "19900101"),
        # other 证件类型 in an ID field, in the shapes a log line holds them
        ("person {'id_type': '护照', 'id_number': 'H12345678'}", "H12345678"),
        ('{"证件号码": "M87654321", "姓名": "李四"}', "M87654321"),
        ("lookup id_number=EA1234567 failed", "EA1234567"),
        ("证件号码：830000199001011234", "830000199001011234"),
    ],
)
def test_masking_catches_typos_spaced_numbers_and_other_id_types(text: str, leaked: str) -> None:
    masked = mask_ids(text)

    assert leaked not in masked
    assert "*" in masked


def test_masking_leaves_ordinary_numbers_alone() -> None:
    text = "unit 100001 sent 3 rows, 5,000.00 元, ratio 0.12, account 00000104, 2026-11-28 15:52:24"

    assert mask_ids(text) == text


def test_an_unwritable_log_folder_does_not_stop_the_client(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "logs").write_text("a file where the log folder should be", encoding="utf-8")

    try:
        setup_logging(logging.INFO, console=False)
        logging.getLogger("tests.logging").info("still heard")
    finally:
        root = logging.getLogger()
        for handler in list(root.handlers):
            if getattr(handler, "_gjj_desk", False):
                root.removeHandler(handler)
                handler.close()

    err = capsys.readouterr().err
    assert "no log file" in err and "still heard" in err
