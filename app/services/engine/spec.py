"""What a business is, as data: its fields, its row rules, its materials, its server mapping.

The nine businesses share one life (PRODUCT.md): input or import → a pending list kept locally →
browse / modify / delete → 全部提交 with the required materials → outbox → review → query page.
A business is a `BusinessSpec`; the machinery in this package does the rest. Row keys are the
server's field names, so a row goes to the server as it is stored.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from app.services.policy import CentrePolicy


class FieldKind(StrEnum):
    TEXT = "text"
    NAME = "name"  # a person's name (Chinese, minority, foreign)
    ID_TYPE = "id_type"  # 证件类型
    ID_NUMBER = "id_number"  # checked against the row's 证件类型
    MOBILE = "mobile"
    MONEY = "money"  # Decimal as text, 2 places
    RATIO = "ratio"  # a fraction as text: "0.12"
    MONTH = "month"  # YearMonth as "2026-11"
    DATE = "date"  # ISO "2026-11-05"
    CHOICE = "choice"  # one of `choices` (static or from the policy)
    ACCOUNT_NO = "account_no"  # 个人账号, opaque text


@dataclass(frozen=True)
class FieldSpec:
    key: str  # the row's key, stable, also the server's field name
    label: str  # Chinese, as the clerk reads it
    kind: FieldKind = FieldKind.TEXT
    required: bool = False
    basic: bool = True  # shown before 添加更多信息
    derived: bool = False  # computed by the business from other fields; read-only in forms
    auto: bool = False  # filled in by the rules when left blank (性别 from the ID); editable
    choices: tuple[str, ...] = ()
    choices_from: Callable[[CentrePolicy], tuple[str, ...]] | None = None
    in_list: bool = True  # a column of the pending list table
    aliases: tuple[str, ...] = ()  # other headers the same column goes by in clerks' files
    note: str = ""  # a hint shown beside the field and in the template
    max_length: int = 100

    def options(self, policy: CentrePolicy) -> tuple[str, ...]:
        return self.choices_from(policy) if self.choices_from else self.choices


@dataclass(frozen=True)
class UnitTerms:
    """What a row needs to know of its unit (from the server's unit profile)."""

    unit_ratio: Any = None  # Decimal | None
    personal_ratio: Any = None
    paid_to: str | None = None  # 缴至年月


@dataclass(frozen=True)
class RosterEntry:
    account_no: str
    name: str
    id_type: str
    id_number: str
    status: str
    base: Any = None  # Decimal | None
    unit_ratio: Any = None
    personal_ratio: Any = None
    monthly_amount: Any = None
    paid_to: str | None = None


class Roster:
    """The unit's roster cache, indexed the ways rows look people up."""

    def __init__(self, entries: list[RosterEntry]) -> None:
        self.entries = entries
        self.by_account = {e.account_no: e for e in entries}
        self.by_id_number: dict[str, RosterEntry] = {e.id_number.upper(): e for e in entries}

    def find_id(self, id_number: str) -> RosterEntry | None:
        return self.by_id_number.get(id_number.upper())


@dataclass
class RowContext:
    """Everything a row's rules may consult; built once per check of a list."""

    policy: CentrePolicy
    unit: UnitTerms
    roster: Roster
    today: date
    # unique key (e.g. ID number) -> the pending row id holding it, for duplicate checks
    pending_keys: dict[str, int] = field(default_factory=dict)


@dataclass
class RowCheck:
    """A row after its rules: normalised values (derived ones included) and errors per field."""

    values: dict[str, str]
    errors: dict[str, str]  # field key -> Chinese message; "" for the row as a whole

    @property
    def ok(self) -> bool:
        return not self.errors


Deriver = Callable[[dict[str, str], RowContext, dict[str, str]], None]


@dataclass(frozen=True)
class BusinessSpec:
    code: str  # one of policy.BUSINESS_CODES
    name: str  # e.g. 个人开户
    list_name: str  # e.g. 待开户清册
    fields: tuple[FieldSpec, ...]
    # Fills derived values and adds cross-field errors (values, context, errors).
    derive: Deriver | None = None
    # The field that names a person uniquely; a second pending row with it is refused.
    unique_key: str | None = "id_number"
    # Money fields summed in the list's totals.
    totals: tuple[str, ...] = ()

    def field(self, key: str) -> FieldSpec:
        for candidate in self.fields:
            if candidate.key == key:
                return candidate
        raise KeyError(key)

    @functools.cached_property
    def input_fields(self) -> tuple[FieldSpec, ...]:
        """The fields a clerk fills in (asked once per row of a 100,000-row import: cached)."""
        return tuple(f for f in self.fields if not f.derived)

    def list_fields(self) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields if f.in_list)
