"""A stack of fake card pages for the batch 开户 tests: the OCR lines per page, no real OCR."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from app.services.idcard.engine import OcrLine
from tests.ids import resident_id

WANG = resident_id("41020319880516001")  # 男, 1988-05-16
LI = resident_id("41020519920308152")  # 女, 1992-03-08


def card(name: str, sex: str, born: str, number: str) -> list[OcrLine]:
    def line(y: float, text: str) -> OcrLine:
        w = 30 * len(text)
        return OcrLine(((50, y), (50 + w, y), (50 + w, y + 32), (50, y + 32)), text, 0.95)

    return [
        line(50, f"姓名{name}"),
        line(120, f"性别{sex}民族汉"),
        line(190, f"出生{born}"),
        line(260, "住址河南省开封市龙亭区西门大街1号"),
        line(440, f"公民身份号码{number}"),
    ]


class StackEngine:
    """The lines of the card whose page is `width` pixels wide (each test page has its own)."""

    def __init__(self, pages: dict[int, list[OcrLine]]) -> None:
        self.pages = pages

    def lines(self, image: Image.Image) -> list[OcrLine]:
        return self.pages.get(image.width, [])


def feeder(folder: Path) -> StackEngine:
    """Three pages as a feeder scan gives them: 王建国, 李秀英, and 王建国 with a misread digit."""
    misread = WANG[:14] + ("7" if WANG[14] != "7" else "1") + WANG[15:]
    pages = {
        501: card("王建国", "男", "1988年5月16日", WANG),
        502: card("李秀英", "女", "1992年3月8日", LI),
        503: card("王建国", "男", "1988年5月16日", misread),
    }
    folder.mkdir()
    for i, width in enumerate(pages):
        Image.new("RGB", (width, 320), (200, 200, 200)).save(folder / f"page{i + 1}.png")
    return StackEngine(pages)


class FeederEngine:
    """Gives the cards in order, one per page read, then nothing (the rest are no card fronts)."""

    def __init__(self, cards: list[list[OcrLine]]) -> None:
        self.cards = list(cards)

    def lines(self, image: Image.Image) -> list[OcrLine]:
        return self.cards.pop(0) if self.cards else []
