"""Batch 开户 from a stack of cards straight into the 待开户清册 (issue 16, point 2).

Each page is read as a card front; the people whose number passed every check become rows of
the 清册 with name, ID, sex, birth date (and address) filled, stored 待补全: 手机号码 and 缴存基数
are left for the clerk (修改 in the list, or the template import matched by 证件号码). Each
person's page goes into the list's 身份证复印件 material, named after the person. Pages whose
number did not pass, or whose person is already in the list, are named and not added.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from app.errors import Cancelled, KnownError
from app.services.attachments import AttachmentService
from app.services.engine.pending import PendingLists, RowView
from app.services.idcard.autoread import is_card_material
from app.services.idcard.batch import stack_files, stack_rows
from app.services.idcard.engine import TextEngine
from app.services.idcard.reader import CardReading, page_images, read_card_image
from app.services.scanning import ColourMode, ScanFailedError, Scanner, ScanSettings, Source

logger = logging.getLogger(__name__)

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff"}
SCAN_DPI = 300  # what the reader was measured at; a card needs no more
NO_FEEDER = (
    "没有找到带自动进纸器的扫描仪。请连接扫描仪，或把扫描好的图片/PDF放进文件夹后选择文件夹。"
)


@dataclass(frozen=True)
class CardPage:
    """One page of the stack: what was read, and the page as a file of its own (to attach)."""

    reading: CardReading
    file: Path


@dataclass(frozen=True)
class StackPreview:
    """What 加入待开户清册 would add (page, form values), and the pages left out (page, why)."""

    people: list[tuple[CardPage, dict[str, str]]]
    flagged: list[tuple[str, str]]
    note: str = ""  # how a feeder scan ended, when it ended early


@dataclass(frozen=True)
class StackAdded:
    rows: list[RowView]
    attached: int  # pages put into the ID card material
    material: str | None  # its name; None when the centre asks for no such material
    problem: str | None = None  # the material's PDF could not be made (pages kept all the same)


def read_pages(
    paths: Sequence[Path],
    engine: TextEngine,
    work_dir: Path,
    *,
    cancelled: Callable[[], bool] = lambda: False,
    progress: Callable[[int, int], None] | None = None,
    today: date | None = None,
) -> list[CardPage]:
    """Every page of every file (folders expanded) read, each kept as a file for attaching."""
    pages = []
    for file in stack_files(paths):
        found = list(page_images(file))
        for index, (label, image) in enumerate(found):
            if len(found) == 1 and file.suffix.lower() in IMAGE_SUFFIXES:
                own = file  # a one-page image is attached as it is
            else:
                work_dir.mkdir(parents=True, exist_ok=True)
                own = work_dir / f"{file.stem}-{index + 1}.png"
                image.convert("RGB").save(own)
            pages.append((label, image, own))
    read: list[CardPage] = []
    for done, (label, image, own) in enumerate(pages, start=1):
        if cancelled():
            raise Cancelled()
        reading = read_card_image(image, engine, cancelled=cancelled, source=label, today=today)
        read.append(CardPage(reading, own))
        if progress is not None:
            progress(done, len(pages))
    logger.info("read %d card page(s) for the 清册", len(read))
    return read


def scan_stack(
    scanner: Scanner,
    out_dir: Path,
    *,
    cancelled: Callable[[], bool] = lambda: False,
    on_page: Callable[[Path], None] = lambda _page: None,
) -> tuple[list[Path], str]:
    """Scan the stack in the first scanner with a feeder: (the pages, a note on how it ended).

    A scan that stops with trouble (a jam) keeps the pages that arrived, with the scanner's
    message as the note; KnownError when there is no feeder or no page at all.
    """
    device = next((d for d in scanner.list_devices() if Source.ADF in d.sources), None)
    if device is None:
        raise KnownError(NO_FEEDER, code="no-feeder")
    settings = ScanSettings(device.id, Source.ADF, SCAN_DPI, ColourMode.COLOUR)
    try:
        pages, note = scanner.scan(settings, out_dir, on_page, cancelled), ""
    except ScanFailedError as exc:
        if not exc.pages:
            raise
        pages, note = exc.pages, f"扫描中断（{exc.message}），只识别已扫描的 {len(exc.pages)} 页。"
    if cancelled():
        raise Cancelled()
    logger.info("scanned %d card page(s) from %s", len(pages), device.display_name)
    return pages, note


def preview(pages: Sequence[CardPage], in_list: set[str]) -> StackPreview:
    """The people to add (number passed, not yet in the list) and the pages left out, why."""
    people: list[tuple[CardPage, dict[str, str]]] = []
    flagged: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for page in pages:
        source, single = page.reading.source, stack_rows([page.reading])
        if single.flagged:
            flagged.extend(single.flagged)
            continue
        values = single.rows[0]
        number = values["id_number"].upper()
        if number in seen:
            flagged.append((source, f"与 {seen[number]} 是同一个人，未重复加入"))
        elif number in in_list:
            flagged.append((source, "此人已在待开户清册中，未重复加入"))
        else:
            seen[number] = source
            people.append((page, values))
    return StackPreview(people, flagged)


def card_material(materials: Sequence[str]) -> str | None:
    """The material that holds the ID card copies, by the centre's name for it."""
    return next((m for m in materials if is_card_material(m)), None)


def add_to_list(
    stack: StackPreview, pending: PendingLists, attachments: AttachmentService
) -> StackAdded:
    """加入待开户清册: the rows (待补全) in one transaction, then each page into 身份证复印件."""
    if not stack.people:
        raise KnownError("没有可以加入的人：所有页面的公民身份号码都未通过校验或已在清册中。")
    rows = pending.add_incomplete(
        [(values, f"身份证 {page.reading.source}") for page, values in stack.people]
    )
    policy = pending.snapshot().policy
    materials = [m.name for m in policy.materials_for(pending.spec.code)]
    material = card_material(materials)
    if material is None:
        return StackAdded(rows, 0, None)
    list_id = pending.list_id()
    store = attachments.pages_of(list_id, material)
    attached = 0
    for page, values in stack.people:
        origin = f"{values['name']}（{page.reading.source}）"  # whose card, from which page
        result = store.import_files([page.file], origin=origin)
        attached += len(result.added)
    try:
        attachments.build(pending.spec.code, list_id, material, policy)
    except KnownError as exc:
        return StackAdded(rows, attached, material, exc.message)
    return StackAdded(rows, attached, material)
