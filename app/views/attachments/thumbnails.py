"""Small pictures of pages for the thumbnail list and the preview, made once per page.

Made with Pillow on the worker that imports the page (never on the UI thread) and kept beside
the page in hidden folders, so a material with many 300 dpi pages opens at once. A PDF page
shows its embedded scan when it has one; otherwise the view draws a placeholder.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from app.services.documents import detect_type

logger = logging.getLogger(__name__)

THUMB_PX = 200
PREVIEW_PX = 1600


def thumbnail_path(page: Path) -> Path:
    return page.parent / ".thumbs" / f"{page.name}.png"


def preview_path(page: Path) -> Path:
    return page.parent / ".previews" / f"{page.name}.png"


def _picture(page: Path) -> Image.Image | None:
    kind = detect_type(page)
    if kind == "pdf":
        try:
            images = PdfReader(page).pages[0].images
            return images[0].image if len(images) == 1 and images[0].image else None
        except (PyPdfError, ValueError, KeyError, TypeError, IndexError, OSError) as exc:
            logger.debug("no picture in %s: %s", page.name, exc)
            return None
    with Image.open(page) as image:
        image.load()
        return image.copy()


def make_pictures(page: Path) -> bool:
    """Write the page's thumbnail and preview; False when there is no picture to show."""
    try:
        picture = _picture(page)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        logger.warning("cannot draw %s: %s", page.name, exc)
        return False
    if picture is None:
        return False
    if picture.mode not in ("RGB", "L"):
        picture = picture.convert("RGB")
    for target, size in ((preview_path(page), PREVIEW_PX), (thumbnail_path(page), THUMB_PX)):
        target.parent.mkdir(parents=True, exist_ok=True)
        picture.thumbnail((size, size), Image.Resampling.LANCZOS)
        picture.save(target, format="PNG")
    return True
