"""Read one card front: the image (or a PDF page) → fields, their confidence, the number's verdict.

A card may come rotated 90°/180° or at an angle: the reader tries the image as it is, then the
other orientations (text boxes taller than wide mean a quarter turn), and keeps the first reading
whose ID number passes, or else the one that found most. Slants are levelled in `parse`.
OCR text is never logged: it holds full ID numbers.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from app.errors import BadInputError, Cancelled
from app.services.idcard.engine import OcrLine, TextEngine
from app.services.idcard.numbers import NumberVerdict, judge_number
from app.services.idcard.parse import ReadField, looks_like_card_front, parse_card

logger = logging.getLogger(__name__)

# The form's keys for what a card gives (民族 has no field in 个人开户 but is reported).
FORM_KEYS = {"name": "name", "sex": "sex", "birth": "birth_date", "address": "address"}
MAX_SIDE = 1600  # larger scans are shrunk first: a card needs no more, and OCR time grows


@dataclass(frozen=True)
class CardReading:
    """What was read from one card front."""

    fields: dict[str, ReadField]
    number: NumberVerdict | None
    rotation: int = 0  # degrees turned clockwise to read it
    source: str = ""  # the file (and page) it came from
    is_card: bool = False
    notes: tuple[str, ...] = field(default=())

    def form_values(self) -> dict[str, str]:
        """Values to fill into a 个人开户 form; the ID number only when it passed every check."""
        values = {FORM_KEYS[k]: f.value for k, f in self.fields.items() if k in FORM_KEYS}
        if self.number is not None and self.number.trusted:
            values["id_number"] = self.number.number
        return values


def _printed_birth(fields: dict[str, ReadField]) -> date | None:
    found = fields.get("birth")
    return date.fromisoformat(found.value) if found else None


def read_lines(lines: list[OcrLine], today: date | None = None) -> CardReading:
    """Parse and judge one set of OCR lines (no engine needed: the tests' entry point)."""
    fields = parse_card(lines)
    number = None
    if "id_number" in fields:
        sex = fields["sex"].value if "sex" in fields else None
        number = judge_number(fields["id_number"].value, _printed_birth(fields), sex, today)
        fields["id_number"] = ReadField(number.number, fields["id_number"].confidence)
    return CardReading(fields, number, is_card=looks_like_card_front(fields))


def _quarter_turned(lines: list[OcrLine]) -> bool:
    tall = sum(1 for ln in lines if ln.height > 1.5 * (ln.right - ln.left))
    return tall > len(lines) / 2


def _good(reading: CardReading) -> bool:
    return reading.number is not None and reading.number.trusted and "name" in reading.fields


def _turn(image: Image.Image, degrees: int) -> Image.Image:
    # Image.rotate turns anticlockwise; `degrees` here is clockwise.
    return image.rotate(-degrees, expand=True) if degrees else image


def read_card_image(
    image: Image.Image,
    engine: TextEngine,
    *,
    cancelled: Callable[[], bool] = lambda: False,
    source: str = "",
    today: date | None = None,
) -> CardReading:
    """Read a card front from an image, trying other orientations if the first read fails."""
    image = ImageOps.exif_transpose(image).convert("RGB")
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE))
    best: CardReading | None = None
    tried: list[int] = []
    order = [0]
    while order:
        degrees = order.pop(0)
        if cancelled():
            raise Cancelled()
        tried.append(degrees)
        lines = engine.lines(_turn(image, degrees))
        reading = read_lines(lines, today)
        reading = CardReading(reading.fields, reading.number, degrees, source, reading.is_card)
        if _good(reading):
            return reading
        if best is None or len(reading.fields) > len(best.fields):
            best = reading
        if degrees == 0:
            order = [90, 270, 180] if _quarter_turned(lines) else [180, 90, 270]
    assert best is not None
    return best


def _pdf_images(path: Path) -> Iterator[Image.Image]:
    """The largest picture on each page of a scanned PDF."""
    try:
        reader = PdfReader(path)
        for number, page in enumerate(reader.pages, start=1):
            pictures = [Image.open(io.BytesIO(p.data)) for p in page.images]
            if not pictures:
                raise BadInputError(f"{path.name} 第{number}页没有扫描图像，无法识别")
            yield max(pictures, key=lambda p: p.width * p.height)
    except (PyPdfError, OSError, ValueError) as exc:
        raise BadInputError(f"无法读取PDF文件 {path.name}：{exc}") from exc


def page_images(path: Path) -> Iterator[tuple[str, Image.Image]]:
    """(label, image) for each page in an image file, a multi-page TIFF or a scanned PDF."""
    if not path.exists():
        raise BadInputError(f"找不到文件 {path}")
    if path.suffix.lower() == ".pdf":
        for i, image in enumerate(_pdf_images(path), start=1):
            yield f"{path.name} 第{i}页", image
        return
    try:
        with Image.open(path) as opened:
            frames = getattr(opened, "n_frames", 1)
            for i in range(frames):
                opened.seek(i)
                label = path.name if frames == 1 else f"{path.name} 第{i + 1}页"
                yield label, opened.copy()
    except (UnidentifiedImageError, OSError) as exc:
        raise BadInputError(f"{path.name} 不是可识别的图片或PDF文件") from exc


def read_card_file(
    path: Path,
    engine: TextEngine,
    *,
    cancelled: Callable[[], bool] = lambda: False,
    progress: Callable[[int, int], None] | None = None,
    today: date | None = None,
) -> list[CardReading]:
    """Every page of a file read as a card front, in order."""
    pages = list(page_images(path))
    readings = []
    for i, (label, image) in enumerate(pages):
        readings.append(
            read_card_image(image, engine, cancelled=cancelled, source=label, today=today)
        )
        if progress is not None:
            progress(i + 1, len(pages))
    logger.info("read %d card page(s) from %s", len(readings), path.name)
    return readings
