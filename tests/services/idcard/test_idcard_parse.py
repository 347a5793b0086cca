"""From OCR lines (as the engine returns them) to a card's fields, level or slanted."""

from __future__ import annotations

import math
from datetime import date

from app.services.idcard.engine import OcrLine
from app.services.idcard.reader import read_lines
from tests.ids import resident_id

TODAY = date(2026, 11, 28)
NUMBER = resident_id("41020219851224002")  # 1985-12-24, even 17th digit: 女


def line(x: float, y: float, text: str, score: float = 0.95, w: float = 0) -> OcrLine:
    width = w or 30 * len(text)
    return OcrLine(((x, y), (x + width, y), (x + width, y + 32), (x, y + 32)), text, score)


def card_lines() -> list[OcrLine]:
    return [
        line(50, 50, "姓名"),
        line(150, 44, "欧阳·玥", 0.91),
        line(50, 120, "性别"),
        line(150, 114, "女"),
        line(250, 120, "民族"),
        line(350, 114, "回"),
        line(50, 190, "出生1985年12月24日"),
        line(50, 260, "住址"),
        line(150, 254, "河南省开封市龙亭区西门"),
        line(150, 298, "大街12号"),
        line(50, 440, "公民身份号码"),
        line(260, 432, f"{NUMBER[:6]} {NUMBER[6:14]} {NUMBER[14:]}", 0.99),
    ]


def test_a_level_card_gives_every_field() -> None:
    reading = read_lines(card_lines(), TODAY)
    values = {k: f.value for k, f in reading.fields.items()}
    assert values == {
        "name": "欧阳·玥",
        "sex": "女",
        "ethnicity": "回",
        "birth": "1985-12-24",
        "address": "河南省开封市龙亭区西门大街12号",
        "id_number": NUMBER,
    }
    assert reading.fields["name"].confidence == 0.91
    assert reading.is_card
    assert reading.number is not None and reading.number.trusted
    assert reading.form_values() == {
        "name": "欧阳·玥",
        "sex": "女",
        "birth_date": "1985-12-24",
        "address": "河南省开封市龙亭区西门大街12号",
        "id_number": NUMBER,
    }


def test_a_slanted_card_is_levelled_before_rows_are_grouped() -> None:
    angle = math.radians(7)
    cos, sin = math.cos(angle), math.sin(angle)
    slanted = [
        OcrLine(tuple((x * cos - y * sin, x * sin + y * cos) for x, y in ln.box), ln.text, ln.score)
        for ln in card_lines()
    ]
    reading = read_lines(slanted, TODAY)
    assert reading.fields["name"].value == "欧阳·玥"
    assert reading.fields["address"].value == "河南省开封市龙亭区西门大街12号"
    assert reading.number is not None and reading.number.trusted


def test_a_dot_read_as_a_full_stop_becomes_the_middle_dot() -> None:
    lines = card_lines()
    lines[1] = line(150, 44, "买买提.艾力")
    assert read_lines(lines, TODAY).fields["name"].value == "买买提·艾力"


def test_a_stray_dot_before_the_name_is_not_part_of_it() -> None:
    lines = card_lines()
    lines[1] = line(150, 44, "·艾尔肯·吾斯曼")  # seen on the synthetic set: the label's spacing
    assert read_lines(lines, TODAY).fields["name"].value == "艾尔肯·吾斯曼"


def test_a_misread_number_is_not_among_the_values_to_fill() -> None:
    lines = card_lines()
    bad = NUMBER[:10] + ("3" if NUMBER[10] != "3" else "8") + NUMBER[11:]
    lines[-1] = line(260, 432, bad)
    reading = read_lines(lines, TODAY)
    assert reading.number is not None and not reading.number.trusted
    assert "id_number" not in reading.form_values()
    assert reading.number.suspects  # the UI highlights these


def test_a_page_without_card_labels_is_not_a_card_front() -> None:
    reading = read_lines([line(10, 10, "劳动合同"), line(10, 60, "甲方：某某公司")], TODAY)
    assert not reading.is_card
    assert reading.number is None
