"""From the text lines an OCR engine found on a card front to its fields.

The lines are first turned level (a card held at an angle gives slanted boxes), then grouped
into rows top to bottom; each field is the text after its printed label (姓名, 性别, 民族, 出生,
住址, 公民身份号码). Labels are matched loosely: a recogniser may drop or misread one character.
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass
from datetime import date

from app.services.idcard.engine import OcrLine

FIELD_LABELS = {
    "name": "姓名",
    "sex": "性别",
    "ethnicity": "民族",
    "birth": "出生",
    "address": "住址",
    "id_number": "公民身份号码",
}
_CJK = r"\u3400-\u9fff\U00020000-\U0002ffff"
_DOTS = "·.•・‧∙•-－"


@dataclass(frozen=True)
class ReadField:
    value: str
    confidence: float


@dataclass(frozen=True)
class _Row:
    text: str  # without spaces
    score: float


def _slant(lines: list[OcrLine]) -> float:
    """The median angle (radians) of the wide boxes' top edges."""
    angles = []
    for line in lines:
        (x0, y0), (x1, y1) = line.box[0], line.box[1]
        if abs(x1 - x0) > 2 * max(line.height / 3, 1):
            angles.append(math.atan2(y1 - y0, x1 - x0))
    return statistics.median(angles) if angles else 0.0


def _levelled(lines: list[OcrLine]) -> list[OcrLine]:
    angle = _slant(lines)
    if abs(angle) < 0.005:
        return lines
    cos, sin = math.cos(-angle), math.sin(-angle)
    return [
        OcrLine(tuple((x * cos - y * sin, x * sin + y * cos) for x, y in ln.box), ln.text, ln.score)
        for ln in lines
    ]


def group_rows(lines: list[OcrLine]) -> list[_Row]:
    """Lines into rows (top to bottom), each row's texts joined left to right."""
    level = sorted(_levelled(lines), key=lambda ln: ln.centre_y)
    rows: list[list[OcrLine]] = []
    for line in level:
        if rows and abs(line.centre_y - statistics.mean(x.centre_y for x in rows[-1])) < (
            0.5 * max(line.height, rows[-1][0].height)
        ):
            rows[-1].append(line)
        else:
            rows.append([line])
    joined = []
    for row in rows:
        row.sort(key=lambda ln: ln.left)
        text = "".join("".join(ln.text.split()) for ln in row)
        joined.append(_Row(text, min(ln.score for ln in row)))
    return joined


def _after(text: str, label: str) -> str | None:
    """The text after `label` at the start of `text`; one label character may be misread."""
    if text.startswith(label):
        return text[len(label) :]
    if len(label) == 2 and len(text) > 2 and (text[0] == label[0] or text[1] == label[1]):
        return text[2:]
    return None


def _clean_name(text: str) -> str:
    text = re.sub(rf"(?<=[{_CJK}])[{re.escape(_DOTS)}]+(?=[{_CJK}])", "·", text)
    # A stray dot before or after the name is the label's spacing or the card's pattern.
    return re.sub(rf"[^{_CJK}·]", "", text).strip("·")


def _birth(text: str) -> date | None:
    found = re.search(r"(\d{4})\D{0,2}?(\d{1,2})\D{0,2}?(\d{1,2})", text)
    if not found:
        return None
    try:
        return date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return None


def _id_row(rows: list[_Row]) -> int | None:
    for i, row in enumerate(rows):
        if "身份号码" in row.text or "公民身份" in row.text or "身份号" in row.text:
            return i
    for i in range(len(rows) - 1, -1, -1):  # no label read: the long digit run at the bottom
        if len(re.sub(r"\D", "", rows[i].text)) >= 15:
            return i
    return None


def _sex_and_ethnicity(rows: list[_Row], fields: dict[str, ReadField]) -> None:
    for row in rows:
        found = re.search(r"性.?([男女])", row.text) or re.search(r"^.?别([男女])", row.text)
        if found and "sex" not in fields:
            fields["sex"] = ReadField(found[1], row.score)
        eth = re.search(rf"民.?([{_CJK}]{{1,6}})$", row.text) or re.search(
            rf"族([{_CJK}]{{1,6}})$", row.text
        )
        if eth and "ethnicity" not in fields and found:
            fields["ethnicity"] = ReadField(eth[1], row.score)


def _address(rows: list[_Row], start: int, end: int) -> ReadField | None:
    parts: list[str] = []
    scores: list[float] = []
    for i in range(start, end):
        text = rows[i].text
        if i == start:
            text = _after(text, "住址") or ""
        if text:
            parts.append(text)
            scores.append(rows[i].score)
    return ReadField("".join(parts), min(scores)) if parts else None


def parse_card(lines: list[OcrLine]) -> dict[str, ReadField]:
    """The fields found on a card front (keys of FIELD_LABELS; birth as an ISO date)."""
    rows = group_rows(lines)
    fields: dict[str, ReadField] = {}
    id_at = _id_row(rows)
    if id_at is not None:
        row = rows[id_at]
        digits = row.text.split("码", 1)[-1] if "码" in row.text else row.text
        fields["id_number"] = ReadField(digits, row.score)
    for i, row in enumerate(rows[: id_at if id_at is not None else len(rows)]):
        name = _after(row.text, "姓名")
        if name is not None and "name" not in fields and _clean_name(name):
            fields["name"] = ReadField(_clean_name(name), row.score)
        born = _after(row.text, "出生")
        if born is not None and "birth" not in fields and _birth(born):
            fields["birth"] = ReadField(str(_birth(born)), row.score)
        if _after(row.text, "住址") is not None and "address" not in fields:
            found = _address(rows, i, id_at if id_at is not None else len(rows))
            if found:
                fields["address"] = found
    _sex_and_ethnicity(rows, fields)
    return fields


def looks_like_card_front(fields: dict[str, ReadField]) -> bool:
    """Enough of the front's labels were found to call the page a card front."""
    return "id_number" in fields and len(fields) >= 3
