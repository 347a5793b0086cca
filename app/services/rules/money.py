"""Money and ratios as clerks and spreadsheets write them; always `Decimal`, never float.

Ratios are returned as fractions (0.12 = 12%). The rule for a bare number without "%":
a value of 1 or more is a percent ("12" and 12 are 12%, and the ambiguous "1" is 1%), a value
below 1 is a fraction ("0.12" and Excel's percent cell 0.12 are 12%). No real contribution ratio
is 100% or more, so reading "1" as 1% is the only useful meaning; write "100%" for a whole.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from app.errors import BadInputError

CENT = Decimal("0.01")
# Excel stores 4999.99 as 4999.9899999999998 and sums drift: differences this small are noise.
FLOAT_NOISE = Decimal("0.000001")
# Ratios are kept to 0.01% (four places as a fraction).
RATIO_PLACES = Decimal("0.0001")

_CURRENCY_PREFIXES = ("人民币", "RMB", "CNY", "¥", "￥")
_CURRENCY_SUFFIXES = ("人民币", "元整", "元", "圆", "RMB", "CNY")
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_GROUPED_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?")
# No amount a clerk handles comes near a trillion yuan; above it the cell is a slip or junk.
MAX_MONEY = Decimal(10) ** 12


def _quote(value: object) -> str:
    return f"“{value}”"


def _strip_affixes(text: str) -> str:
    upper = text.upper()
    for prefix in _CURRENCY_PREFIXES:
        if upper.startswith(prefix):
            text, upper = text[len(prefix) :].strip(), upper[len(prefix) :].strip()
    for suffix in _CURRENCY_SUFFIXES:
        if upper.endswith(suffix):
            text, upper = text[: -len(suffix)].strip(), upper[: -len(suffix)].strip()
    return text


def _decimal_from(value: str | int | float | Decimal, what: str) -> tuple[Decimal, str]:
    """(number, cleaned text) with currency marks, spaces and thousands separators gone."""
    if isinstance(value, bool):
        raise BadInputError(f"{what}{_quote(value)}不是数字")
    if isinstance(value, Decimal | int):
        number = Decimal(value)
    elif isinstance(value, float):
        # str() is the shortest repr: 0.12 stays 0.12 rather than 0.11999999999999999555910790149937
        number = Decimal(str(value))
    else:
        return _decimal_from_text(value, what)
    if not number.is_finite():
        raise BadInputError(f"{what}{_quote(value)}不是有效的数字")
    return number, str(value)


def _decimal_from_text(value: str, what: str) -> tuple[Decimal, str]:
    if value.isascii() and _PLAIN_NUMBER.fullmatch(value):
        return Decimal(value), value  # what spreadsheets give: nothing to clean
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        raise BadInputError(f"{what}为空")
    text = _strip_affixes(text)
    compact = "".join(text.split())
    negative = compact.startswith("-") or (compact.startswith("(") and compact.endswith(")"))
    compact = compact.removeprefix("+").removeprefix("-").strip("()")
    if "," in compact and not _GROUPED_NUMBER.fullmatch(compact):
        raise BadInputError(f"{what}{_quote(value)}的千位分隔符位置不对")
    compact = compact.replace(",", "")
    if not _PLAIN_NUMBER.fullmatch(compact):
        raise BadInputError(f"{what}{_quote(value)}不是有效的数字")
    number = Decimal(compact)
    return (-number if negative else number), compact


def parse_money(value: str | int | float | Decimal, *, what: str = "金额") -> Decimal:
    """A non-negative amount with two decimals; BadInputError quoting the value otherwise."""
    try:
        number, _ = _decimal_from(value, what)
    except InvalidOperation as exc:  # pragma: no cover - the patterns above rule this out
        raise BadInputError(f"{what}{_quote(value)}不是有效的数字") from exc
    if number < 0:
        raise BadInputError(f"{what}{_quote(value)}不能为负数")
    if number >= MAX_MONEY:  # also keeps quantize from overflowing on a 1e30 cell
        raise BadInputError(f"{what}{_quote(value)}过大，请核对（是否多输了数字）")
    rounded = number.quantize(CENT, rounding=ROUND_HALF_UP)
    if abs(number - rounded) > FLOAT_NOISE:
        raise BadInputError(f"{what}{_quote(value)}最多只能有两位小数（精确到分）")
    return rounded


def parse_ratio(value: str | int | float | Decimal, *, what: str = "缴存比例") -> Decimal:
    """A ratio as a fraction: "12%", "12", 12, "0.12", 0.12 and "１２％" are all 0.12."""
    if isinstance(value, str):
        return _parse_ratio_text(value, what)
    return _parse_ratio(value, what)


@functools.lru_cache(maxsize=1024)
def _parse_ratio_text(value: str, what: str) -> Decimal:
    # A list of 100,000 rows holds a handful of distinct ratios: each is read once.
    return _parse_ratio(value, what)


def _parse_ratio(value: str | int | float | Decimal, what: str) -> Decimal:
    text = unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else value
    is_percent = isinstance(text, str) and text.endswith("%")
    if isinstance(text, str):
        text = text.removesuffix("%").strip()
        if not text:
            raise BadInputError(
                f"{what}为空" if not is_percent else f"{what}{_quote(value)}缺少数字"
            )
    try:
        number, _ = _decimal_from(text, what)
    except BadInputError as exc:
        raise BadInputError(f"{what}{_quote(value)}不是有效的比例，应写成 12% 或 0.12") from exc
    if number < 0:
        raise BadInputError(f"{what}{_quote(value)}不能为负数")
    fraction = number / 100 if is_percent or number >= 1 else number
    if fraction > 1:
        raise BadInputError(f"{what}{_quote(value)}超过了100%")
    rounded = fraction.quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)
    if abs(fraction - rounded) > FLOAT_NOISE / 100:
        raise BadInputError(f"{what}{_quote(value)}最多精确到0.01%")
    return rounded.normalize() if rounded else Decimal(0)


def format_money(amount: Decimal) -> str:
    """ "5,000.00": thousands separators and two decimals, rounded half up."""
    return f"{amount.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def format_ratio(ratio: Decimal) -> str:
    """ "12%" for 0.12, "12.5%" for 0.125: no trailing zeros."""
    percent = (ratio * 100).quantize(RATIO_PLACES * 100).normalize()
    return f"{percent:f}%"
