"""Plain text fields clerks type or paste: normalisation, personal names, mobile numbers."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from app.errors import BadInputError

# Characters that look like nothing but break comparisons: BOM, zero-width space/joiners.
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"), None)

# Everything clerks type for the 间隔号 in minority and foreign names written in Chinese.
_DOT_VARIANTS = "·•・.．‧∙⋅･"
_MIDDLE_DOT = "·"

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CHINESE_NAME = re.compile(rf"[{_CJK}]+(?:·[{_CJK}]+)*")
_LATIN_NAME = re.compile(r"[^\W\d_](?:[^\W\d_]|[ '\-.])*[^\W\d_.]")
_HAS_CJK = re.compile(rf"[{_CJK}]")

CHINESE_NAME_LENGTH = (2, 20)
LATIN_NAME_LENGTH = (2, 60)


@dataclass(frozen=True)
class TextCheck:
    """The verdict on one typed value; `message` says in Chinese why it is not valid."""

    input: str
    valid: bool
    normalized: str | None = None
    message: str | None = None

    def require_valid(self, field: str | None = None) -> str:
        """The normalised value, or BadInputError with the message."""
        if not self.valid or self.normalized is None:
            raise BadInputError(self.message or "输入有误", field=field)
        return self.normalized


def normalize(text: str | None, *, collapse: bool = True) -> str:
    """Full-width to half-width (NFKC), no invisible characters, trimmed (incl. the ideographic
    space), and with `collapse` every inner run of whitespace made one space."""
    if text is None:
        return ""
    if type(text) is str and text.isascii():  # NFKC and the invisibles leave ASCII as it is
        return " ".join(text.split()) if collapse else text.strip()
    cleaned = unicodedata.normalize("NFKC", str(text)).translate(_INVISIBLE)
    if collapse:
        return " ".join(cleaned.split())
    return cleaned.strip()


def _bad(original: str, message: str) -> TextCheck:
    return TextCheck(input=original, valid=False, message=message)


_ALLOWED_SYMBOLS = frozenset(" '-·.")
_ONE_DOT = str.maketrans(dict.fromkeys(_DOT_VARIANTS, _MIDDLE_DOT))
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_REPEATED_SEPARATOR = re.compile(r"[ '\-.]{2,}")


def _symbols(text: str) -> str:
    if text.isalpha():  # nearly every name: no symbol at all
        return ""
    found = dict.fromkeys(c for c in text if not c.isalpha() and c not in _ALLOWED_SYMBOLS)
    return "".join(found)


# A name of 2–20 unified ideographs and nothing else, as nearly every name is typed: none of
# these characters changes under NFKC, is a digit, a space or a dot, so it is valid as it is.
_PLAIN_CHINESE_NAME = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,20}")


def check_name(text: str | None) -> TextCheck:
    """A person's name: Chinese (间隔号 unified to ·) or a Latin-script foreign name."""
    if type(text) is str and _PLAIN_CHINESE_NAME.fullmatch(text) and text.isalpha():
        return TextCheck(input=text, valid=True, normalized=text)
    original = "" if text is None else str(text)
    name = normalize(original).replace("’", "'").replace("‘", "'")
    if not name:
        return _bad(original, "姓名为空")
    digits = "".join(dict.fromkeys(c for c in name if c.isdigit()))
    if digits:
        return _bad(original, f"姓名不能包含数字“{digits}”")
    if _HAS_CJK.search(name):
        return _check_chinese_name(original, name)
    return _check_latin_name(original, name)


def _check_chinese_name(original: str, name: str) -> TextCheck:
    # Spaces inside a Chinese name are typing slips ("张 三"); dots of any kind are 间隔号.
    name = "".join(name.split()).translate(_ONE_DOT)
    symbols = _symbols(name)
    if symbols:
        return _bad(original, f"姓名含有不允许的符号“{symbols}”")
    if _LATIN_LETTER.search(name):
        return _bad(original, "姓名不能混用汉字和字母；外籍人员请只填写证件上的外文姓名或中文译名")
    if not _CHINESE_NAME.fullmatch(name):
        return _bad(original, "间隔号“·”只能出现在两个字之间，且不能连续")
    low, high = CHINESE_NAME_LENGTH
    if not low <= len(name) <= high:
        return _bad(original, f"中文姓名应为{low}–{high}个字（含间隔号），现为{len(name)}个")
    return TextCheck(input=original, valid=True, normalized=name)


def _check_latin_name(original: str, name: str) -> TextCheck:
    name = name.replace(_MIDDLE_DOT, " ").replace("  ", " ")
    symbols = _symbols(name)
    if symbols:
        return _bad(original, f"姓名含有不允许的符号“{symbols}”")
    low, high = LATIN_NAME_LENGTH
    if not low <= len(name) <= high:
        return _bad(original, f"外文姓名应为{low}–{high}个字符，现为{len(name)}个")
    if not _LATIN_NAME.fullmatch(name):
        return _bad(original, "外文姓名应以字母开头和结尾，中间只能有空格、连字符、撇号或点")
    if _REPEATED_SEPARATOR.search(name.replace(". ", ".")):
        return _bad(original, "外文姓名中的空格、连字符或撇号不能连续出现")
    return TextCheck(input=original, valid=True, normalized=name)


_MOBILE = re.compile(r"1[3-9]\d{9}")
_MOBILE_NOISE = re.compile(r"[\s\-()]")
_FLOAT_TAIL = re.compile(r"(?<=\d)\.0+$")


def check_mobile(value: str | int | float | None) -> TextCheck:
    """A mainland mobile number: 11 digits 1[3-9]…; +86 / 86 / 0086, spaces and dashes tolerated."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number cell read back as 13812345678.0
    original = "" if value is None else str(value)
    text = normalize(original)
    if not text:
        return _bad(original, "手机号码为空")
    if len(text) == 11 and _MOBILE.fullmatch(text):
        return TextCheck(input=original, valid=True, normalized=text)  # as nearly all are typed
    digits = _MOBILE_NOISE.sub("", text)
    digits = _FLOAT_TAIL.sub("", digits)  # "13812345678.0" from a CSV of a number cell
    if digits.startswith("+"):
        if not digits.startswith("+86"):
            return _bad(original, "只支持中国大陆手机号码（+86）")
        digits = digits[3:]
    elif len(digits) == 15 and digits.startswith("0086"):
        digits = digits[4:]
    elif len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if not digits.isdigit():
        return _bad(original, f"手机号码“{original.strip()}”只能包含数字")
    if len(digits) != 11:
        return _bad(original, f"手机号码应为11位数字，“{original.strip()}”是{len(digits)}位")
    if not _MOBILE.fullmatch(digits):
        return _bad(original, f"手机号码“{original.strip()}”应以13–19开头")
    return TextCheck(input=original, valid=True, normalized=digits)
