"""Is the 公民身份号码 read from a card right? Its own check digit and the card's printed birth
date and sex say so; when they do not agree, which digits were likely misread.

A number is trusted only if it passes GB 11643 (the product's `check_resident_id`: format, check
digit, a real birth date, a province) *and* agrees with the 出生 and 性别 printed on the same card
when those were read. Anything else is never filled in silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.services.rules.idnumber import check_resident_id, gb11643_check_digit

# Letters an OCR engine returns for digits on a card's number line.
_LOOKALIKES = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "D": "0",
        "Q": "0",
        "I": "1",
        "l": "1",
        "|": "1",
        "i": "1",
        "Z": "2",
        "z": "2",
        "S": "5",
        "s": "5",
        "B": "8",
        "G": "6",
        "b": "6",
        "g": "9",
        "q": "9",
        "x": "X",
        "×": "X",
        "K": "X",
    }
)
# Digit pairs a recogniser confuses on printed cards (either way round).
_CONFUSED = {
    frozenset(p)
    for p in ("08", "06", "09", "17", "14", "38", "35", "56", "58", "68", "69", "89", "27", "3X")
}


@dataclass(frozen=True)
class NumberVerdict:
    """The verdict on a number read from a card.

    `trusted` only when it passed every check; otherwise `suspects` are the 0-based positions of
    the digits most likely misread and `candidates` the corrections that would pass.
    """

    number: str
    trusted: bool
    message: str | None = None
    suspects: tuple[int, ...] = ()
    candidates: tuple[str, ...] = ()


def clean_number_text(text: str) -> str:
    """OCR text of the number line → only digits and X, lookalike letters mapped to digits."""
    mapped = text.translate(_LOOKALIKES)
    return "".join(ch for ch in mapped if ch.isdigit() or ch == "X")


def _passes(number: str, today: date) -> bool:
    return check_resident_id(number, today).valid


def _agrees(number: str, birth: date | None, sex: str | None) -> bool:
    if birth is not None and number[6:14] != birth.strftime("%Y%m%d"):
        return False
    return sex is None or ("男" if int(number[16]) % 2 else "女") == sex


def _single_fixes(number: str, birth: date | None, sex: str | None, today: date) -> list[str]:
    """Every number one character away from `number` that passes and agrees with the card."""
    fixes: list[str] = []
    for pos in range(18):
        alphabet = "0123456789X" if pos == 17 else "0123456789"
        for ch in alphabet:
            if ch == number[pos]:
                continue
            trial = number[:pos] + ch + number[pos + 1 :]
            if _agrees(trial, birth, sex) and _passes(trial, today):
                fixes.append(trial)
    return fixes


def _rank(number: str, fix: str) -> int:
    pos = next(i for i, (a, b) in enumerate(zip(number, fix, strict=True)) if a != b)
    return 0 if frozenset((number[pos], fix[pos])) in _CONFUSED else 1


def _diff(a: str, b: str) -> tuple[int, ...]:
    return tuple(i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y)


def _from_printed_date(number: str, birth: date, today: date) -> str | None:
    """The number with its date digits taken from the printed 出生, if that makes it pass."""
    first17 = number[:6] + birth.strftime("%Y%m%d") + number[14:17]
    trial = first17 + gb11643_check_digit(first17)
    if trial[17] != number[17]:
        return None
    return trial if _passes(trial, today) else None


def judge_number(
    raw: str, birth: date | None = None, sex: str | None = None, today: date | None = None
) -> NumberVerdict:
    """Check a number read from a card against itself and the card's printed birth date/sex."""
    today = today or date.today()
    number = clean_number_text(raw)
    if len(number) != 18:
        return NumberVerdict(
            number,
            False,
            f"识别到的公民身份号码为{len(number)}位（应为18位），请对照证件手工填写",
            suspects=tuple(range(len(number))),
        )
    check = check_resident_id(number, today)
    if check.valid and _agrees(number, birth, sex):
        return NumberVerdict(number, True)
    if check.valid:
        problem = "号码中的出生日期或性别与证件上印的不一致，请与证件原件核对"
    else:
        problem = check.message or "号码校验未通过"
    fixes = _single_fixes(number, birth, sex, today)
    if birth is not None:
        dated = _from_printed_date(number, birth, today)
        if dated is not None and dated != number and dated not in fixes:
            fixes.insert(0, dated)
    fixes.sort(key=lambda f: (len(_diff(number, f)), _rank(number, f)))
    likely = [f for f in fixes if len(_diff(number, f)) > 1 or _rank(number, f) == 0] or fixes
    likely = likely[:4]
    suspects = tuple(sorted({p for f in likely for p in _diff(number, f)}))
    message = f"识别的号码可能有误读（标出的数字）：{problem}"
    return NumberVerdict(number, False, message, suspects, tuple(likely))
