"""Batch 开户 from a stack of cards: a feeder scan, a folder of images or a PDF, one card a page.

The people whose number passed every check become rows of the business's import template
(name, ID, sex, birth date, address filled); the clerk adds 手机号码 and 缴存基数 in Excel/WPS
and imports it the usual way, where every row is checked again. Pages whose number did not pass
are listed by file and page, never written with a doubtful number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from app.errors import BadInputError, Cancelled
from app.services.engine.spec import BusinessSpec
from app.services.engine.table import table_spec
from app.services.idcard.engine import TextEngine
from app.services.idcard.reader import CardReading, page_images, read_card_image
from app.services.policy import CentrePolicy
from app.services.spreadsheet.writer import write_rows

CARD_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".pdf"}


@dataclass(frozen=True)
class StackOutcome:
    rows: list[dict[str, str]]  # one per person whose number passed, in page order
    flagged: list[tuple[str, str]]  # (page, why) for pages left to the clerk


def stack_files(paths: Iterable[Path]) -> list[Path]:
    """Files as given; a folder gives its card images and PDFs in name order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in CARD_SUFFIXES)
            if not found:
                raise BadInputError(f"文件夹 {path} 中没有图片或PDF文件")
            files.extend(found)
        else:
            files.append(path)
    return files


def read_stack(
    paths: Sequence[Path],
    engine: TextEngine,
    *,
    cancelled: Callable[[], bool] = lambda: False,
    progress: Callable[[int, int], None] | None = None,
    today: date | None = None,
) -> list[CardReading]:
    """Every page of every file (folders expanded) read as a card front, in order."""
    pages = [page for file in stack_files(paths) for page in page_images(file)]
    readings = []
    for done, (label, image) in enumerate(pages, start=1):
        if cancelled():
            raise Cancelled()
        readings.append(
            read_card_image(image, engine, cancelled=cancelled, source=label, today=today)
        )
        if progress is not None:
            progress(done, len(pages))
    return readings


def stack_rows(readings: Sequence[CardReading]) -> StackOutcome:
    """The rows to write, and the pages the clerk must handle by hand (and why)."""
    rows: list[dict[str, str]] = []
    flagged: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for reading in readings:
        number = reading.number
        if number is None:
            flagged.append((reading.source, "没有识别到公民身份号码（不像身份证正面）"))
        elif not number.trusted:
            flagged.append((reading.source, number.message or "公民身份号码未通过校验"))
        elif number.number in seen:
            flagged.append((reading.source, f"与 {seen[number.number]} 是同一个人，未重复写入"))
        else:
            seen[number.number] = reading.source
            rows.append(reading.form_values())
    return StackOutcome(rows, flagged)


def write_stack_template(
    path: Path, readings: Sequence[CardReading], spec: BusinessSpec, policy: CentrePolicy
) -> StackOutcome:
    """The import template with one row per person read; returns what went in and what not."""
    outcome = stack_rows(readings)
    write_rows(path, table_spec(spec, policy), outcome.rows)
    return outcome
