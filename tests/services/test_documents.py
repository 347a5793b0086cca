"""Pages → one PDF: lossless JPEG, rotation, merging, size limits, checksums, bad files."""

from __future__ import annotations

import hashlib
import io
import random
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from app.errors import BadInputError
from app.services.documents import MIN_DPI, Page, build_pdf, detect_type
from app.services.scanning import ColourMode


def _noise(size: tuple[int, int], seed: int = 1, mode: str = "RGB") -> Image.Image:
    """A picture JPEG cannot shrink to nothing, like a photographed document."""
    rng = random.Random(seed)
    bands = 3 if mode == "RGB" else 1
    return Image.frombytes(mode, size, rng.randbytes(size[0] * size[1] * bands))


def _jpeg(path: Path, size: tuple[int, int] = (850, 1100), dpi: int = 100, seed: int = 1) -> Path:
    _noise(size, seed).save(path, format="JPEG", quality=92, dpi=(dpi, dpi))
    return path


def _pdf(path: Path, pages: int) -> Path:
    writer = PdfWriter()
    for index in range(pages):
        writer.add_blank_page(width=200 + index, height=300)
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


def test_jpeg_pages_go_in_unchanged(tmp_path: Path) -> None:
    first = _jpeg(tmp_path / "a.jpg", seed=1)
    second = _jpeg(tmp_path / "b.jpg", seed=2)

    document = build_pdf([first, second], tmp_path / "out.pdf")

    pdf_bytes = document.path.read_bytes()
    assert first.read_bytes() in pdf_bytes
    assert second.read_bytes() in pdf_bytes
    assert document.page_count == 2


def test_page_size_follows_the_image_dpi(tmp_path: Path) -> None:
    page = _jpeg(tmp_path / "a.jpg", size=(850, 1100), dpi=100)

    document = build_pdf([page], tmp_path / "out.pdf")

    box = PdfReader(document.path).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # 8.5 × 11 in


def test_rotation_turns_the_page_without_touching_the_jpeg(tmp_path: Path) -> None:
    page = _jpeg(tmp_path / "a.jpg")

    document = build_pdf(
        [Page(page, 90), Page(page, 180), Page(page, 270), Page(page, 0)], tmp_path / "out.pdf"
    )

    reader = PdfReader(document.path)
    assert [p.rotation for p in reader.pages] == [90, 180, 270, 0]
    assert page.read_bytes() in document.path.read_bytes()


def test_png_tiff_bmp_and_pdf_merge_in_order(tmp_path: Path) -> None:
    png = tmp_path / "scan.png"
    Image.new("L", (300, 400), 200).save(png, dpi=(150, 150))
    tiff = tmp_path / "two-pages.tif"
    frames = [Image.new("RGB", (300 + 20 * n, 400), (n, 0, 0)) for n in range(2)]
    frames[0].save(tiff, save_all=True, append_images=frames[1:], dpi=(150, 150))
    bmp = tmp_path / "old.bmp"
    Image.new("RGB", (310, 400), (0, 0, 255)).save(bmp, dpi=(150, 150))
    pdf = _pdf(tmp_path / "earlier.pdf", 2)

    document = build_pdf([png, tiff, bmp, pdf], tmp_path / "out.pdf")

    widths = [round(float(p.mediabox.width)) for p in PdfReader(document.path).pages]
    # 150 dpi images: width in points = pixels × 72 / 150; then the PDF's own 200, 201.
    assert widths == [144, 144, 154, 149, 200, 201]
    assert document.page_count == 6


def test_the_file_type_comes_from_its_bytes_not_its_name(tmp_path: Path) -> None:
    disguised = tmp_path / "photo.pdf"
    _noise((200, 200)).save(disguised, format="PNG")
    text = tmp_path / "scan.jpg"
    text.write_text("这不是图片", encoding="utf-8")

    assert detect_type(disguised) == "png"
    assert detect_type(text) is None
    assert build_pdf([disguised], tmp_path / "out.pdf").page_count == 1
    with pytest.raises(BadInputError) as caught:
        build_pdf([text], tmp_path / "out2.pdf")
    assert "scan.jpg" in caught.value.message and "不是支持的格式" in caught.value.message


@pytest.mark.parametrize("kind", ["jpeg", "png", "pdf"])
def test_a_truncated_file_is_refused_by_name(tmp_path: Path, kind: str) -> None:
    source = tmp_path / f"whole.{kind}"
    if kind == "pdf":
        _pdf(source, 1)
    else:
        _noise((300, 300)).save(source, format=kind.upper())
    broken = tmp_path / f"身份证.{kind}"
    broken.write_bytes(source.read_bytes()[: 40 if kind == "pdf" else 200])

    with pytest.raises(BadInputError) as caught:
        build_pdf([broken], tmp_path / "out.pdf")

    assert f"身份证.{kind}" in caught.value.message
    assert "损坏" in caught.value.message
    assert not (tmp_path / "out.pdf").exists()


def test_checksum_and_size_match_the_file_written(tmp_path: Path) -> None:
    document = build_pdf([_jpeg(tmp_path / "a.jpg")], tmp_path / "sub" / "out.pdf")

    data = document.path.read_bytes()
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.size == len(data)


def test_a_document_within_the_limit_is_left_lossless(tmp_path: Path) -> None:
    page = _jpeg(tmp_path / "a.jpg")

    document = build_pdf([page], tmp_path / "out.pdf", max_bytes=10 * 1024 * 1024)

    assert page.read_bytes() in document.path.read_bytes()


def test_an_oversize_document_is_shrunk_to_fit_but_stays_readable(tmp_path: Path) -> None:
    pages = [_jpeg(tmp_path / f"p{n}.jpg", size=(2480, 3508), dpi=300, seed=n) for n in range(2)]
    unlimited = build_pdf(pages, tmp_path / "big.pdf")
    limit = unlimited.size // 3

    document = build_pdf(pages, tmp_path / "out.pdf", max_bytes=limit, target_dpi=200)

    assert document.size <= limit
    reader = PdfReader(document.path)
    assert len(reader.pages) == 2
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 595  # still A4: shrinking never changes the paper size
    for image in reader.pages[0].images:
        with Image.open(io.BytesIO(image.data)) as embedded:
            assert embedded.width >= 8.27 * MIN_DPI - 2  # not below the readable floor


def test_grey_mode_converts_colour_pages(tmp_path: Path) -> None:
    document = build_pdf(
        [_jpeg(tmp_path / "a.jpg", size=(400, 500))], tmp_path / "out.pdf", mode=ColourMode.GREY
    )

    image = PdfReader(document.path).pages[0].images[0]
    with Image.open(io.BytesIO(image.data)) as embedded:
        assert embedded.mode == "L"


def test_black_and_white_pages_become_small(tmp_path: Path) -> None:
    # A grey scan of a typed page: paper with faint grain, black lines of "text".
    rng = random.Random(3)
    grain = bytes(rng.randint(215, 255) for _ in range(1700 * 2200))
    scan = Image.frombytes("L", (1700, 2200), grain)
    for line in range(40):
        scan.paste(0, (150, 150 + line * 50, 150 + rng.randint(600, 1400), 170 + line * 50))
    page = tmp_path / "grey.png"
    scan.save(page, dpi=(200, 200))

    document = build_pdf([page], tmp_path / "out.pdf", mode=ColourMode.BLACK_WHITE)

    assert document.size < page.stat().st_size // 20
    with Image.open(io.BytesIO(PdfReader(document.path).pages[0].images[0].data)) as embedded:
        assert embedded.mode == "1"


def test_too_big_even_at_the_floor_names_the_size_and_the_limit(tmp_path: Path) -> None:
    pages = [_jpeg(tmp_path / f"p{n}.jpg", size=(1240, 1754), dpi=150, seed=n) for n in range(3)]

    with pytest.raises(BadInputError) as caught:
        build_pdf(pages, tmp_path / "out.pdf", max_bytes=20 * 1024, name="离职证明")

    message = caught.value.message
    assert "离职证明" in message and "20 KB" in message and "150 dpi" in message
    assert "超过" in message
    assert not (tmp_path / "out.pdf").exists()


def test_no_pages_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInputError):
        build_pdf([], tmp_path / "out.pdf", name="身份证")
