"""Reading a page by itself when it arrives in the 身份证复印件 material (issue 16, point 1).

Only pages that could be a card front are read: the cheap check is the page's shape (a card is
85.6 × 54 mm; a photocopy of one is usually an A4 sheet), tested before any OCR. A page is read
once: its content's fingerprint is remembered by the caller.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageStat

from app.errors import Cancelled, KnownError
from app.services.idcard.engine import TextEngine
from app.services.idcard.reader import CardReading, page_images, read_card_image

CARD_RATIO = 85.6 / 54  # an ID card's long side over its short side (GB/T 14916 ID-1)
SHEET_RATIO = 297 / 210  # A4: the card photocopied (or scanned) on a whole sheet
RATIO_TOLERANCE = 0.12
MIN_SIDE = 200  # pixels: anything smaller holds no readable 18-digit number
MIN_CONTRAST = 4.0  # grey-level spread below which a page is blank (a card's back is not)


def is_card_material(material: str) -> bool:
    """The material that holds ID card copies (its name is the centre's: 身份证复印件 etc.)."""
    return "身份证" in material


def fingerprint(path: Path) -> str:
    """The page's content hash: the same page added twice is read once."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def card_shaped(image: Image.Image) -> bool:
    """Could this page be a card front, or a card copied on a sheet? (No OCR: its proportions.)"""
    width, height = image.size
    if min(width, height) < MIN_SIDE:
        return False
    ratio = max(width, height) / min(width, height)
    if not any(abs(ratio - r) <= RATIO_TOLERANCE * r for r in (CARD_RATIO, SHEET_RATIO)):
        return False
    small = image.convert("L")
    small.thumbnail((256, 256))
    return ImageStat.Stat(small).stddev[0] >= MIN_CONTRAST  # a blank page has nothing to read


def read_received_page(
    path: Path, engine: Callable[[], TextEngine], cancelled: Callable[[], bool]
) -> CardReading | None:
    """The page read as a card front, or None when it is not shaped like one (nothing read).

    The OCR engine is made (loaded) only when a page passes the shape check.
    """
    try:
        label, image = next(iter(page_images(path)))
    except (KnownError, StopIteration):
        return None  # the attachment panel has already said what is wrong with the file
    if not card_shaped(image):
        return None
    if cancelled():
        raise Cancelled()
    return read_card_image(image, engine(), cancelled=cancelled, source=label)
