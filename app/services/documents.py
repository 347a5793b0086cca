"""Pages of one material → one PDF within the centre's limits, with its checksum.

JPEG pages are embedded unchanged (img2pdf copies the JPEG stream); PNG goes in losslessly;
TIFF (every frame) and BMP are decoded and stored losslessly; PDFs are merged page by page.
Rotation is the page's /Rotate entry, so it never costs quality. Only when the PDF is over
`max_bytes` are raster pages re-encoded, step by step down a ladder (target DPI, then JPEG
quality, then DPI) that stops at a readable floor.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import img2pdf
from PIL import Image, ImageSequence, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from app.errors import BadInputError, storage_error
from app.services.scanning.base import ColourMode
from app.services.sizes import human_size as human_size  # known from here too

logger = logging.getLogger(__name__)

FileKind = Literal["jpeg", "png", "tiff", "bmp", "pdf"]
SUPPORTED_TEXT = "JPEG、PNG、TIFF、BMP、PDF"
MIN_DPI = 150  # below this, small print on an ID card stops being readable
MIN_JPEG_QUALITY = 60
_QUALITIES = (85, 75, MIN_JPEG_QUALITY)
_A4_LONG_SIDE_INCHES = 11.69
_MAGIC: tuple[tuple[bytes, FileKind], ...] = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"BM", "bmp"),
    (b"%PDF-", "pdf"),
)


@dataclass(frozen=True)
class Document:
    """A finished PDF of one material."""

    path: Path
    sha256: str
    size: int
    page_count: int


@dataclass(frozen=True)
class Page:
    """One input file and how far to turn it clockwise (0, 90, 180 or 270 degrees)."""

    path: Path
    rotation: int = 0


def detect_type(path: Path) -> FileKind | None:
    """The file's real type from its first bytes (never its extension); None if unsupported."""
    with open(path, "rb") as handle:
        head = handle.read(1024)
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    # Some PDF writers put junk before the header; readers accept it within the first 1 KB.
    return "pdf" if b"%PDF-" in head else None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- the units of a document -------------------------------------------------------------------


@dataclass
class _RasterPage:
    """One image frame: the original bytes if they can go in unchanged, and the decoded image."""

    source: Path
    image: Image.Image
    dpi: float
    rotation: int
    original: bytes | None  # JPEG or PNG bytes img2pdf can embed as they are


@dataclass
class _PdfPage:
    source: Path
    reader: PdfReader
    index: int
    rotation: int


_Unit = _RasterPage | _PdfPage


def _load(page: Page) -> Iterator[_Unit]:
    if page.rotation % 90 != 0:
        raise ValueError(f"rotation must be a multiple of 90, got {page.rotation}")
    rotation = page.rotation % 360
    name = page.path.name
    try:
        kind = detect_type(page.path)
    except OSError as exc:
        raise BadInputError(f"无法读取文件“{name}”：{exc.strerror or exc}", field=name) from exc
    if kind is None:
        raise BadInputError(
            f"文件“{name}”不是支持的格式：请使用 {SUPPORTED_TEXT} 文件。", field=name
        )
    if kind == "pdf":
        yield from _load_pdf(page.path, rotation)
    else:
        yield from _load_image(page.path, kind, rotation)


def _load_pdf(path: Path, rotation: int) -> Iterator[_PdfPage]:
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise BadInputError(
                f"PDF 文件“{path.name}”已加密：请提供未加密的文件。", field=path.name
            )
        count = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise _corrupt(path) from exc
    if count == 0:
        raise BadInputError(f"PDF 文件“{path.name}”没有页面。", field=path.name)
    for index in range(count):
        yield _PdfPage(path, reader, index, rotation)


def _load_image(path: Path, kind: FileKind, rotation: int) -> Iterator[_RasterPage]:
    try:
        with Image.open(path) as image:
            frames = []
            for frame in ImageSequence.Iterator(image):
                frame.load()
                frames.append((frame.copy(), _dpi_of(frame)))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _corrupt(path) from exc
    original = path.read_bytes() if kind in ("jpeg", "png") and len(frames) == 1 else None
    for frame, dpi in frames:
        yield _RasterPage(path, frame, dpi, rotation, original)


def _corrupt(path: Path) -> BadInputError:
    return BadInputError(
        f"文件“{path.name}”已损坏或无法识别，请重新扫描或换一个文件。", field=path.name
    )


def _dpi_of(image: Image.Image) -> float:
    dpi = image.info.get("dpi")
    if dpi:
        value = float(dpi[0])
        if 50 <= value <= 2400:
            return value
    # No usable resolution: assume the picture is of an A4 sheet.
    return max(72.0, max(image.size) / _A4_LONG_SIDE_INCHES)


# -- encoding ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Step:
    """One rung of the reduction ladder; None dpi means the page as it is."""

    dpi: float | None
    quality: int


def _target_mode(image: Image.Image, mode: ColourMode | None) -> str:
    """The Pillow mode a page ends in: never richer than it is or than `mode` allows."""
    natural = (
        "1" if image.mode == "1" else "L" if image.mode in ("L", "LA", "I;16", "I", "F") else "RGB"
    )
    wanted = {None: "RGB", ColourMode.COLOUR: "RGB", ColourMode.GREY: "L"}.get(mode, "1")
    order = ["1", "L", "RGB"]
    return order[min(order.index(natural), order.index(wanted))]


def _flatten(image: Image.Image, pil_mode: str) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    if pil_mode == "1":
        return image.convert("L").point(lambda value: 255 if value >= 128 else 0).convert("1")
    return image.convert(pil_mode)


def _encode(page: _RasterPage, step: _Step, mode: ColourMode | None) -> tuple[bytes, float]:
    """Image bytes img2pdf embeds as they are, and their DPI."""
    pil_mode = _target_mode(page.image, mode)
    natural = pil_mode == _target_mode(page.image, None)
    if step.dpi is None and page.original is not None and natural:
        return page.original, page.dpi
    dpi = page.dpi if step.dpi is None else min(page.dpi, step.dpi)
    image = _flatten(page.image, pil_mode if pil_mode != "1" else "L")
    if dpi < page.dpi:
        scale = dpi / page.dpi
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    if pil_mode == "1":
        # CCITT G4 is what fax machines use: black and white pages become a few KB.
        image = _flatten(image, "1")
        image.save(buffer, format="TIFF", compression="group4", dpi=(dpi, dpi))
    elif step.dpi is None:
        image.save(buffer, format="PNG", dpi=(dpi, dpi))
    else:
        image.save(buffer, format="JPEG", quality=step.quality, dpi=(dpi, dpi), optimize=True)
        # Flat synthetic pages (forms, screenshots) are smaller as PNG, and PNG loses nothing.
        lossless = io.BytesIO()
        image.save(lossless, format="PNG", dpi=(dpi, dpi))
        if lossless.tell() < buffer.tell():
            buffer = lossless
        # Re-encoding a JPEG at its own size only helps if it comes out smaller.
        unchanged = page.original is not None and natural and dpi >= page.dpi
        if unchanged and page.original is not None and len(page.original) <= buffer.tell():
            return page.original, page.dpi
    return buffer.getvalue(), dpi


def _raster_pdf(page: _RasterPage, step: _Step, mode: ColourMode | None) -> bytes:
    data, dpi = _encode(page, step, mode)
    layout = img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))
    try:
        return bytes(img2pdf.convert(data, layout_fun=layout, rotation=img2pdf.Rotation.ifvalid))
    except Exception as exc:  # img2pdf raises plain exceptions for odd inputs
        if step.dpi is None and page.original is not None:
            # e.g. an interlaced or 16-bit PNG img2pdf will not copy: store it decoded instead.
            logger.debug("img2pdf refused %s as is (%s); decoding it", page.source.name, exc)
            fallback = _RasterPage(page.source, page.image, page.dpi, page.rotation, None)
            return _raster_pdf(fallback, step, mode)
        raise BadInputError(
            f"文件“{page.source.name}”无法转换为 PDF（图像过小或编码特殊）：请换一个文件。",
            field=page.source.name,
        ) from exc


def _assemble(units: Sequence[_Unit], step: _Step, mode: ColourMode | None) -> bytes:
    writer = PdfWriter()
    for unit in units:
        if isinstance(unit, _PdfPage):
            try:
                added = writer.add_page(unit.reader.pages[unit.index])
            except (PyPdfError, ValueError, KeyError, TypeError) as exc:
                raise _corrupt(unit.source) from exc
        else:
            single = PdfReader(io.BytesIO(_raster_pdf(unit, step, mode)))
            added = writer.add_page(single.pages[0])
        if unit.rotation:
            added.rotate(unit.rotation)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _ladder(target_dpi: float, floor_dpi: float) -> list[_Step]:
    steps = [_Step(target_dpi, quality) for quality in _QUALITIES]
    dpi = target_dpi * 0.8
    while dpi > floor_dpi:
        steps.append(_Step(dpi, MIN_JPEG_QUALITY))
        dpi *= 0.8
    if target_dpi > floor_dpi:
        steps.append(_Step(floor_dpi, MIN_JPEG_QUALITY))
    return steps


# -- the public entry --------------------------------------------------------------------------


def build_pdf(
    pages: Sequence[Page | Path],
    out_path: Path,
    *,
    max_bytes: int | None = None,
    target_dpi: int = 200,
    mode: ColourMode | None = None,
    name: str = "",
) -> Document:
    """Make one PDF of `pages` in order at `out_path`, within `max_bytes` if given.

    `target_dpi` and `mode` are the policy's attachment settings: `mode` converts raster pages
    (colour → grey → black and white, never the other way); `target_dpi` is the first
    resolution tried when the PDF is too big. `name` (the material) names it in messages.
    """
    if not pages:
        raise BadInputError(f"材料“{name or out_path.stem}”还没有页面。")
    units: list[_Unit] = []
    for page in pages:
        units.extend(_load(page if isinstance(page, Page) else Page(Path(page))))
    data = _assemble(units, _Step(None, 100), mode)
    if max_bytes is not None and len(data) > max_bytes:
        data = _shrink(units, data, max_bytes, target_dpi, mode, name or out_path.stem)
    _write_atomically(out_path, data)
    document = Document(
        path=out_path,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        page_count=len(units),
    )
    logger.info("document %s: %d page(s), %d bytes", out_path.name, len(units), len(data))
    return document


def _shrink(
    units: Sequence[_Unit],
    data: bytes,
    max_bytes: int,
    target_dpi: int,
    mode: ColourMode | None,
    name: str,
) -> bytes:
    if not any(isinstance(unit, _RasterPage) for unit in units):
        raise _too_big(name, len(data), max_bytes)
    smallest = data
    for step in _ladder(float(target_dpi), float(min(MIN_DPI, target_dpi))):
        candidate = _assemble(units, step, mode)
        logger.debug(
            "%s at %.0f dpi, q%d: %d bytes", name, step.dpi or 0, step.quality, len(candidate)
        )
        if len(candidate) < len(smallest):
            smallest = candidate
        if len(candidate) <= max_bytes:
            return candidate
    raise _too_big(name, len(smallest), max_bytes)


def _too_big(name: str, size: int, max_bytes: int) -> BadInputError:
    return BadInputError(
        f"材料“{name}”在最低可读质量（{MIN_DPI} dpi、JPEG 质量 {MIN_JPEG_QUALITY}）下仍有 "
        f"{human_size(size)}，超过中心规定的上限 {human_size(max_bytes)}："
        "请减少页数或把材料分成几份。",
        field=name,
        code="too_big",
    )


def _write_atomically(path: Path, data: bytes) -> None:
    """Write all of `data` or nothing: a full disk leaves no partial file behind.

    The file is 0600 (mkstemp's mode): a scanned ID card is for its owner's eyes only.
    """
    tmp: str | None = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise storage_error(exc, path.parent) from exc
