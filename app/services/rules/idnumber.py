"""Identity document numbers: the resident ID (GB 11643) and the other 证件类型.

stdnum's `cn.ric.validate` rejects real IDs (it checks the county code against the birth year
with its own table) and accepts future birth dates, so validity is decided here: format, check
digit, a real birth date, a province code that exists. stdnum is used for the check digit and the
county lookup, and an unknown county is only a warning (MACHINE-NOTES.md).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from stdnum.cn import ric

from app.errors import BadInputError
from app.services.rules.counties import county_warning


class IdType(StrEnum):
    """证件类型; the value is the Chinese name the centre uses."""

    RESIDENT_ID = "居民身份证"
    PASSPORT = "护照"
    HK_MACAU_PASS = "港澳居民来往内地通行证"
    TAIWAN_PASS = "台湾居民来往大陆通行证"
    FOREIGN_PERMANENT_RESIDENCE = "外国人永久居留身份证"
    HMT_RESIDENCE_PERMIT = "港澳台居民居住证"
    OTHER = "其他"

    @classmethod
    def parse(cls, text: str) -> IdType:
        """The type from its name or a common short name; BadInputError otherwise."""
        if text in cls._value2member_map_:  # the usual case, asked for every imported row
            return cls(text)
        key = "".join(unicodedata.normalize("NFKC", str(text)).split())
        for member in cls:
            if key in (member.value, member.name):
                return member
        found = _ID_TYPE_ALIASES.get(key)
        if found is None:
            known = "、".join(m.value for m in cls)
            raise BadInputError(f"不认识的证件类型“{text}”，应为：{known}", field="id_type")
        return found


_ID_TYPE_ALIASES = {
    "身份证": IdType.RESIDENT_ID,
    "二代身份证": IdType.RESIDENT_ID,
    "港澳通行证": IdType.HK_MACAU_PASS,
    "回乡证": IdType.HK_MACAU_PASS,
    "台胞证": IdType.TAIWAN_PASS,
    "台湾通行证": IdType.TAIWAN_PASS,
    "外国人永久居留证": IdType.FOREIGN_PERMANENT_RESIDENCE,
    "永久居留证": IdType.FOREIGN_PERMANENT_RESIDENCE,
    "居住证": IdType.HMT_RESIDENCE_PERMIT,
    "港澳台居住证": IdType.HMT_RESIDENCE_PERMIT,
}

PROVINCES: dict[str, str] = {
    "11": "北京市",
    "12": "天津市",
    "13": "河北省",
    "14": "山西省",
    "15": "内蒙古自治区",
    "21": "辽宁省",
    "22": "吉林省",
    "23": "黑龙江省",
    "31": "上海市",
    "32": "江苏省",
    "33": "浙江省",
    "34": "安徽省",
    "35": "福建省",
    "36": "江西省",
    "37": "山东省",
    "41": "河南省",
    "42": "湖北省",
    "43": "湖南省",
    "44": "广东省",
    "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市",
    "51": "四川省",
    "52": "贵州省",
    "53": "云南省",
    "54": "西藏自治区",
    "61": "陕西省",
    "62": "甘肃省",
    "63": "青海省",
    "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省",
    "81": "香港特别行政区",
    "82": "澳门特别行政区",
}
# 港澳台居民居住证 use 810000 / 820000 / 830000 as their address code (83 = 台湾).
RESIDENCE_PERMIT_REGIONS = {"81": "香港", "82": "澳门", "83": "台湾"}

_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d*)?E[+-]?\d+")
_EXCEL_HINT = (
    "是 Excel 的科学计数法显示，号码的后几位已经丢失；请在 Excel/WPS 中把该列设置为“文本”格式，"
    "再重新输入完整号码"
)


@dataclass(frozen=True)
class IdCheck:
    """The verdict on one ID number; `message` says in Chinese why it is not valid."""

    input: str
    valid: bool
    normalized: str | None = None
    birth_date: date | None = None
    sex: str | None = None  # "男" / "女"
    province: str | None = None
    warnings: tuple[str, ...] = ()
    message: str | None = None
    id_type: IdType = IdType.RESIDENT_ID

    def require_valid(self) -> str:
        """The normalised number, or BadInputError with the message."""
        if not self.valid or self.normalized is None:
            raise BadInputError(self.message or "证件号码无效", field="id_number")
        return self.normalized


def normalize_id_text(text: str) -> str:
    """Full-width to half-width, no whitespace, no Excel text-prefix quote, upper case."""
    cleaned = unicodedata.normalize("NFKC", text)
    cleaned = "".join(cleaned.split()).lstrip("'`‘’")
    return cleaned.upper()


def gb11643_check_digit(first17: str) -> str:
    """The GB 11643 check character for 17 digits ('0'–'9' or 'X')."""
    # stdnum's calc_check_digit ignores the last character it is given: pass a placeholder.
    check: str = ric.calc_check_digit(first17 + "0")
    return check


def mask_id(number: str | None) -> str:
    """For logs: "4102**********1234"; short numbers keep only their ends."""
    if not number:
        return ""
    text = normalize_id_text(str(number))
    n = len(text)
    keep = 4 if n >= 12 else 1 if n >= 4 else 0
    return text[:keep] + "*" * (n - 2 * keep) + (text[n - keep :] if keep else "")


def _to_text(value: str | int | float) -> tuple[str, str | None]:
    """(text, error) for what a spreadsheet cell may hold."""
    if isinstance(value, bool):
        return str(value), "证件号码不能是真/假值"
    if isinstance(value, float):
        # A 15-digit legacy number survives a float; anything longer has lost digits.
        if value.is_integer() and 0 < value < 1e15:
            return str(int(value)), None
        return repr(value), f"“{value!r}”{_EXCEL_HINT}"
    return str(value), None


def _birth_date(digits8: str, today: date) -> tuple[date | None, str | None]:
    try:
        born = date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
    except ValueError:
        return None, f"出生日期“{digits8}”不是有效日期"
    if born.year < 1900:
        return None, f"出生日期“{digits8}”早于1900年"
    if born > today:
        return None, f"出生日期“{digits8}”晚于今天"
    return born, None


_ALNUM_UPPER = re.compile(r"[0-9A-Z]*")
_FLOAT_NUMBER = re.compile(r"\d+\.0*")


def _shape_error(text: str) -> str | None:
    """Why `text` is not 17 digits + a digit or X, or None."""
    if not _ALNUM_UPPER.fullmatch(text):
        # Name the offending characters, not the number (messages may reach a log).
        bad = "".join(sorted({c for c in text if not c.isalnum()} or set(text)))
        return f"身份证号码含有数字和X以外的字符“{bad}”"
    if len(text) != 18:
        return f"身份证号码应为18位（或15位旧号码），现为{len(text)}位"
    if not text[:17].isdigit():
        return "身份证号码的前17位只能是数字"
    if not (text[17].isdigit() or text[17] == "X"):
        return "身份证号码的最后一位只能是数字或X"
    return None


def _upgrade_legacy(text: str) -> tuple[str | None, str | None]:
    """A 15-digit number as 18 digits (insert "19", add the check digit)."""
    if not text.isdigit():
        return None, "15位旧身份证号码只能由数字组成"
    first17 = text[:6] + "19" + text[6:]
    return first17 + gb11643_check_digit(first17), None


def check_resident_id(value: str | int | float, today: date | None = None) -> IdCheck:
    """Validate a 居民身份证 number (18 digits, or a legacy 15 converted to 18)."""
    today = today if today is not None else date.today()
    if (
        type(value) is str
        and len(value) == 18
        and value.isascii()
        and value[:17].isdigit()
        and (value[17].isdigit() or value[17] in "Xx")
    ):  # as nearly every number is typed: nothing to clean, no other shape to consider
        return _check_18(value, value.upper(), today, [])
    original, error = _to_text(value)
    if error:
        return IdCheck(input=original, valid=False, message=error)
    text = normalize_id_text(original)
    if _FLOAT_NUMBER.fullmatch(text):  # "410203900101123.0" from a float cell
        text = text.split(".")[0]
    if not text:
        return IdCheck(input=original, valid=False, message="身份证号码为空")
    if _SCIENTIFIC.fullmatch(text):
        return IdCheck(input=original, valid=False, message=f"“{original.strip()}”{_EXCEL_HINT}")
    warnings: list[str] = []
    if len(text) == 15:
        upgraded, error = _upgrade_legacy(text)
        if upgraded is None:
            return IdCheck(input=original, valid=False, message=error)
        warnings.append(f"15位旧号码已转换为18位：{mask_id(upgraded)}")
        text = upgraded
    error = _shape_error(text)
    if error:
        return IdCheck(input=original, valid=False, message=error)
    return _check_18(original, text, today, warnings)


def _check_18(original: str, number: str, today: date, warnings: list[str]) -> IdCheck:
    errors: list[str] = []
    province = PROVINCES.get(number[:2])
    if province is None:
        errors.append(f"前两位“{number[:2]}”不是有效的省级行政区代码")
    born, date_error = _birth_date(number[6:14], today)
    if date_error:
        errors.append(date_error)
    if number[17] != gb11643_check_digit(number[:17]):
        errors.append("校验码不符，号码中可能有数字录入错误或顺序颠倒，请与证件原件核对")
    if errors:
        message = "身份证号码有误：" + "；".join(errors)
        return IdCheck(input=original, valid=False, normalized=None, message=message)
    county = county_warning(number)
    if county:
        warnings.append(county)
    return IdCheck(
        input=original,
        valid=True,
        normalized=number,
        birth_date=born,
        sex="男" if int(number[16]) % 2 else "女",
        province=province,
        warnings=tuple(warnings),
    )


def _invalid(original: str, id_type: IdType, message: str) -> IdCheck:
    return IdCheck(input=original, valid=False, message=message, id_type=id_type)


def _valid(
    original: str,
    id_type: IdType,
    number: str,
    *,
    birth_date: date | None = None,
    sex: str | None = None,
) -> IdCheck:
    return IdCheck(
        input=original,
        valid=True,
        normalized=number,
        birth_date=birth_date,
        sex=sex,
        id_type=id_type,
    )


def _check_gb11643_permit(
    original: str, number: str, id_type: IdType, today: date, what: str
) -> IdCheck:
    """The 18-character permits built like a resident ID (date at 7–14, GB 11643 check)."""
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return _invalid(
            original, id_type, f"{what}应为18位：17位数字加一位数字或X（现为{len(number)}位）"
        )
    born, date_error = _birth_date(number[6:14], today)
    if date_error:
        return _invalid(original, id_type, f"{what}有误：{date_error}")
    if number[17] != gb11643_check_digit(number[:17]):
        return _invalid(original, id_type, f"{what}校验码不符，请与证件原件核对")
    sex = "男" if int(number[16]) % 2 else "女"
    return _valid(original, id_type, number, birth_date=born, sex=sex)


def _check_other_types(original: str, number: str, id_type: IdType, today: date) -> IdCheck:
    if id_type is IdType.PASSPORT:
        if re.fullmatch(r"[A-Z0-9]{5,17}", number) and re.search(r"\d", number):
            return _valid(original, id_type, number)
        return _invalid(
            original, id_type, f"护照号码应为5–17位字母和数字（含数字）（现为{len(number)}位）"
        )
    if id_type is IdType.HK_MACAU_PASS:
        if re.fullmatch(r"[HM](\d{8}|\d{10})", number):
            return _valid(original, id_type, number)
        return _invalid(
            original,
            id_type,
            f"港澳居民来往内地通行证号码应为H或M开头加8位或10位数字（如H12345678）（现为{len(number)}位）",
        )
    if id_type is IdType.TAIWAN_PASS:
        if re.fullmatch(r"\d{8}", number):
            return _valid(original, id_type, number)
        return _invalid(
            original, id_type, f"台湾居民来往大陆通行证号码应为8位数字（现为{len(number)}位）"
        )
    if id_type is IdType.FOREIGN_PERMANENT_RESIDENCE:
        return _check_foreign_permanent(original, number, today)
    if id_type is IdType.HMT_RESIDENCE_PERMIT:
        if number[:2] not in RESIDENCE_PERMIT_REGIONS:
            return _invalid(
                original,
                id_type,
                f"港澳台居民居住证号码应以81（香港）、82（澳门）或83（台湾）开头，现为“{number[:2]}”",
            )
        return _check_gb11643_permit(original, number, id_type, today, "港澳台居民居住证号码")
    if len(number) > 30:
        return _invalid(original, id_type, f"证件号码不能超过30位（现为{len(number)}位）")
    # Other documents (军官证 and the like) may carry Chinese: "南字第123456号".
    if not re.fullmatch(r"[0-9A-Z()\-\u4e00-\u9fff]+", number):
        return _invalid(original, id_type, "证件号码只能包含汉字、字母、数字、括号和连字符")
    return _valid(original, id_type, number)


def _check_foreign_permanent(original: str, number: str, today: date) -> IdCheck:
    id_type = IdType.FOREIGN_PERMANENT_RESIDENCE
    if len(number) == 15:
        # The pre-2017 card: 3-letter nationality code and 12 digits.
        if re.fullmatch(r"[A-Z]{3}\d{12}", number):
            return _valid(original, id_type, number)
        return _invalid(
            original,
            id_type,
            f"旧版外国人永久居留证号码应为3位字母加12位数字（现为{len(number)}位）",
        )
    if len(number) == 18 and number.startswith("9"):
        return _check_gb11643_permit(original, number, id_type, today, "外国人永久居留身份证号码")
    return _invalid(
        original,
        id_type,
        f"外国人永久居留身份证号码应为9开头的18位（新版）或3位字母加12位数字（旧版）（现为{len(number)}位）",
    )


def check_id(id_type: IdType | str, value: str | int | float, today: date | None = None) -> IdCheck:
    """Validate a number of any 证件类型; the resident ID gets the full GB 11643 check."""
    kind = id_type if isinstance(id_type, IdType) else IdType.parse(id_type)
    if kind is IdType.RESIDENT_ID:
        return check_resident_id(value, today)
    today = today if today is not None else date.today()
    original, error = _to_text(value)
    if error:
        return _invalid(original, kind, error)
    number = normalize_id_text(original)
    if not number:
        return _invalid(original, kind, f"{kind.value}号码为空")
    if _SCIENTIFIC.fullmatch(number) and kind is not IdType.PASSPORT:
        return _invalid(original, kind, f"“{original.strip()}”{_EXCEL_HINT}")
    return _check_other_types(original, number, kind, today)


@functools.lru_cache(maxsize=1024)
def check_id_text(id_type: str, text: str, today: date) -> IdCheck:
    """`check_id` for text, remembered: a row's rules ask about the same number more than once."""
    return check_id(id_type, text, today)
