"""One cell to text, gently: what Excel showed, without the noise clerks' files carry.

Validation is not done here (the business rules do it); only what the file format itself
garbles is repaired or reported: floats for integers, dates as serials or objects, full-width
digits, stray and non-breaking spaces, IDs that Excel turned into scientific notation.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import repeat
from typing import cast

from app.services.spreadsheet.spec import NUMERIC_KINDS, ColumnKind

# Text columns keep Chinese punctuation as typed (names, addresses), so only full-width
# letters, digits and spaces are folded — exactly what NFKC does to those characters.
_TEXT_FOLD: dict[int, int | None] = {
    **{0xFF10 + i: ord("0") + i for i in range(10)},
    **{0xFF21 + i: ord("A") + i for i in range(26)},
    **{0xFF41 + i: ord("a") + i for i in range(26)},
    0x3000: ord(" "),
    0x00A0: ord(" "),
    0x2007: ord(" "),
    0x202F: ord(" "),
    0x200B: None,
    0xFEFF: None,
}
_SPACES = "\u00a0\u2007\u202f\u200b\ufeff\u3000"
_STRIP = " \t\r\n\v\f" + _SPACES

# An ID that went through a number cell and then into text (a CSV saved by Excel): 4.10203E+17.
_SCIENTIFIC = re.compile(r"^[+-]?\d(?:\.\d+)?[eE]\+(\d{1,3})$")
# Excel keeps 15 significant digits, so an integer of 16 digits or more has lost some.
_EXACT_INTEGER_LIMIT = 1e15
_TEXT_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_EXCEL_EPOCH = date(1899, 12, 30)
_LAST_SERIAL = 100000  # 2173-10-14; above it a number in a date column is 202401 or 20240105

SCIENTIFIC_ID_MESSAGE = (
    "该单元格的号码已被 Excel 变成科学计数法（{value}），后几位数字已经丢失。"
    "请把这一列设置为“文本”格式，再重新输入完整号码。"
)


def cell_text(value: object, kind: ColumnKind) -> tuple[str, str | None]:
    """The cell as text for a column of `kind`, and a problem message when one was found."""
    # Fast paths first: a 100,000-row sheet is a million cells, nearly all plain.
    value_type = type(value)
    if value_type is str:
        text = cast(str, value)
        if kind is not ColumnKind.DATE and text.isascii():
            text = text.strip()
            if not text or (text[0] not in "='" and "+" not in text):
                return text, None
        return _str_cell(text, kind)
    if value_type is float:
        number = cast(float, value)
        if (
            kind is not ColumnKind.DATE
            and number.is_integer()
            and -_EXACT_INTEGER_LIMIT < number < _EXACT_INTEGER_LIMIT
        ):
            return str(int(number)), None
        return _float_text(number, kind)
    return _other_text(value, kind)


def _str_cell(text: str, kind: ColumnKind) -> tuple[str, str | None]:
    if text.isascii():
        if kind is not ColumnKind.DATE:
            text = text.strip()
            if not text or (text[0] not in "='" and "+" not in text):
                return text, None
    elif kind is ColumnKind.TEXT or kind is ColumnKind.CHOICE:
        text = text.translate(_TEXT_FOLD).strip(_STRIP)
        if not text or (text[0] not in "='" and "+" not in text):
            return text, None
    return _string_text(text, kind)


def _other_text(value: object, kind: ColumnKind) -> tuple[str, str | None]:
    if value is None:
        return "", None
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), None
    if isinstance(value, str):
        return _string_text(value, kind)
    if isinstance(value, int):  # .xls gives ints; treat large ones and dates like floats
        if kind is ColumnKind.DATE or (kind is ColumnKind.TEXT and abs(value) >= 10**15):
            return _float_text(float(value), kind)
        return str(value), None
    if isinstance(value, float | Decimal):  # Decimal is what we write; it reads back a float
        return _float_text(float(value), kind)
    if isinstance(value, datetime):
        return value.date().isoformat(), None
    if isinstance(value, date | time):
        return value.isoformat(), None
    return clean_text(str(value), kind), None


def clean_text(text: str, kind: ColumnKind) -> str:
    """Strip, fold full-width letters/digits/spaces (all NFKC for numeric and date columns)."""
    if text.isascii():
        return text.strip()
    if kind in NUMERIC_KINDS or kind is ColumnKind.DATE:
        text = unicodedata.normalize("NFKC", text)
    return text.translate(_TEXT_FOLD).strip(_STRIP)


def _string_text(raw: str, kind: ColumnKind) -> tuple[str, str | None]:
    text = clean_text(raw, kind)
    # Web systems write ="0123" to keep digits as text; a leading ' is Excel's text marker.
    if text.startswith('="') and text.endswith('"') and len(text) >= 3:
        text = text[2:-1].strip()
    elif text.startswith("'") and text[1:].isascii() and text[1:].isalnum():
        text = text[1:]
    if kind is ColumnKind.TEXT:
        match = _SCIENTIFIC.match(text)
        if match and int(match.group(1)) >= 14:
            # LibreOffice writes E+017 where Excel writes E+17: show it as Excel does.
            text = f"{text[: match.start(1)]}{int(match.group(1))}".replace("e", "E")
            return text, SCIENTIFIC_ID_MESSAGE.format(value=text)
    elif kind is ColumnKind.DATE:
        return _text_date(text), None
    return text, None


def _float_text(value: float, kind: ColumnKind) -> tuple[str, str | None]:
    if not math.isfinite(value):
        return str(value), None
    if value.is_integer():
        if kind is ColumnKind.DATE and 0 < value < _LAST_SERIAL:
            return (_EXCEL_EPOCH + timedelta(days=int(value))).isoformat(), None
        if abs(value) < _EXACT_INTEGER_LIMIT:
            return str(int(value)), None
        if kind is ColumnKind.TEXT:
            shown = excel_general(value)
            return shown, SCIENTIFIC_ID_MESSAGE.format(value=shown)
        return str(int(value)), None
    if kind is ColumnKind.DATE and 0 < value < _LAST_SERIAL:
        return (_EXCEL_EPOCH + timedelta(days=int(value))).isoformat(), None
    return excel_general(value), None


def excel_general(value: float) -> str:
    """A number with the 15 significant digits Excel keeps: 0.30000000000000004 -> "0.3"."""
    text = format(value, ".15G")
    if "E" not in text:
        return text
    if abs(value) >= _EXACT_INTEGER_LIMIT:
        mantissa, exponent = text.split("E")
        return f"{mantissa}E{exponent[0]}{exponent[1:].lstrip('0') or '0'}"
    return format(Decimal(text), "f")


def _text_date(text: str) -> str:
    """2024/1/5, 2024.1.5, 2024年1月5日 (and with a time) -> 2024-01-05; other text as is."""
    match = _TEXT_DATE.match(text)
    if not match:
        return text
    try:
        return date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:
        return text


_PLAIN_INTEGER = re.compile(r"^-?\d{1,15}$")
_PLAIN_DECIMAL = re.compile(r"^-?\d{1,15}\.\d+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def typed_value(value: object, kind: ColumnKind) -> object:
    """The value to put in a cell: numbers as numbers and dates as dates, so Excel sums and
    sorts them; everything in a text or choice column stays text."""
    if not isinstance(value, str):
        return value
    if kind in NUMERIC_KINDS:
        if _PLAIN_INTEGER.match(value):
            return int(value)
        if _PLAIN_DECIMAL.match(value):
            return Decimal(value)
    elif kind is ColumnKind.DATE and _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def written_text(value: object, kind: ColumnKind) -> str:
    """The text the reader will give for `value` once the writer has put it in a cell."""
    return cell_text(typed_value(value, kind), kind)[0]


_NEEDS_A_CLOSER_LOOK = ("=", "'", "+", "\x1c", "\x1d", "\x1e", "\x1f")


def column_texts(
    cells: Sequence[object], kind: ColumnKind
) -> tuple[Sequence[str], Sequence[str | None] | None]:
    """`cell_text` of every cell of a column: the texts, and the messages (None: no problem).

    A column of plain text (what nearly every text column is) is converted by C code in a
    few passes, not a call per cell; the result is exactly `cell_text`'s: the fast path is
    taken only when no cell holds what `cell_text` looks at more closely (a leading = or ',
    a +, the separators str.strip() drops and the full-width fold keeps).
    """
    if not cells:
        return [], None
    if kind is not ColumnKind.DATE:
        try:
            joined = "\x00".join(cast("Sequence[str]", cells))
        except TypeError:  # numbers, dates: cell by cell
            pass
        else:
            if not any(mark in joined for mark in _NEEDS_A_CLOSER_LOOK):
                if joined.isascii():
                    return list(map(str.strip, cast("Sequence[str]", cells))), None
                if kind is ColumnKind.TEXT or kind is ColumnKind.CHOICE:
                    folded = map(str.translate, cast("Sequence[str]", cells), repeat(_TEXT_FOLD))
                    return list(map(str.strip, folded, repeat(_STRIP))), None
    elif cells and all(type(cell) is date for cell in cells):  # a date column as Excel keeps it
        return list(map(date.isoformat, cast("Sequence[date]", cells))), None
    texts, messages = zip(*map(cell_text, cells, repeat(kind)), strict=True)
    return texts, (messages if messages.count(None) != len(messages) else None)
