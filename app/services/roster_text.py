"""What a clerk types to find a person (姓名, 个人账号, 证件号码), cleaned as names are stored."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from app.services.roster_entry import RosterEntry
from app.services.rules.idnumber import normalize_id_text
from app.services.rules.text import normalize

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_DOTS = str.maketrans(dict.fromkeys("•・.．‧∙⋅･", "·"))
_RESIDENT_ID = re.compile(r"\d{17}[\dX]|\d{15}")


class LookupKey(StrEnum):
    """What the clerk typed a person's lookup text as."""

    NAME = "name"  # 姓名
    ACCOUNT_NO = "account_no"  # 个人账号
    ID_NUMBER = "id_number"  # 证件号码

    @property
    def label(self) -> str:
        return _KEY_LABELS[self]


_KEY_LABELS = {
    LookupKey.NAME: "姓名",
    LookupKey.ACCOUNT_NO: "个人账号",
    LookupKey.ID_NUMBER: "证件号码",
}


class LookupState(StrEnum):
    ONE = "one"
    MANY = "many"
    NONE = "none"


@dataclass(frozen=True)
class LookupResult:
    """What leaving a lookup field found: one person, several to choose from, or nobody."""

    state: LookupState
    persons: tuple[RosterEntry, ...] = ()
    message: str = ""  # Chinese, for the clerk, when nobody matched

    @property
    def person(self) -> RosterEntry | None:
        return self.persons[0] if self.state is LookupState.ONE else None


def name_text(text: str) -> str:
    """A typed name as names are stored: NFKC, and for Chinese no spaces and one kind of dot."""
    cleaned = normalize(text)
    if _CJK.search(cleaned):
        cleaned = "".join(cleaned.split()).translate(_DOTS)
    return cleaned


def account_text(text: str) -> str:
    """A typed 个人账号: NFKC, no whitespace (the number itself is opaque)."""
    return "".join(normalize(text).split())


def guess_key(text: str) -> LookupKey:
    """姓名, 个人账号 or 证件号码 from the shape of what was typed."""
    cleaned = normalize_id_text(text)
    if _RESIDENT_ID.fullmatch(cleaned):
        return LookupKey.ID_NUMBER
    if cleaned.isdigit():
        return LookupKey.ACCOUNT_NO
    return LookupKey.NAME
