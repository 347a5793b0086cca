"""What a business is, as data: its fields, its row rules, its materials, its server mapping.

The nine businesses share one life (PRODUCT.md): input or import → a pending list kept locally →
browse / modify / delete → 全部提交 with the required materials → outbox → review → query page.
A business is a `BusinessSpec`; the machinery in this package does the rest. Row keys are the
server's field names, so a row goes to the server as it is stored.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from app.services.engine.centre_check import CentreCheck
from app.services.policy import CentrePolicy
from app.services.roster_entry import Roster as Roster  # re-exported: callers import it here
from app.services.roster_entry import RosterEntry as RosterEntry

if TYPE_CHECKING:  # pending.py imports this module: no import of it at run time here
    from app.services.engine.pending import BusinessList
    from app.services.store import Store


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
    # One employee of the roster, identified by any one of 姓名 / 个人账号 / 证件号码: a spec
    # lists the three as PERSON fields (`engine.person.person_fields()`); the form shows one
    # lookup for them, and the row's check resolves them through the cached roster.
    PERSON = "person"


@dataclass(frozen=True)
class FieldSpec:
    key: str  # the row's key, stable, also the server's field name
    label: str  # Chinese, as the clerk reads it
    kind: FieldKind = FieldKind.TEXT
    required: bool = False
    basic: bool = True  # shown before 添加更多信息
    derived: bool = False  # computed by the business from other fields; read-only in forms
    auto: bool = False  # filled in by the rules when left blank (性别 from the ID); editable
    # Filled only by the centre's answer (`centre_fill`, 内部转移's 转出单位): read-only in forms.
    centre_filled: bool = False
    choices: tuple[str, ...] = ()
    choices_from: Callable[[CentrePolicy], tuple[str, ...]] | None = None
    in_list: bool = True  # a column of the pending list table
    aliases: tuple[str, ...] = ()  # other headers the same column goes by in clerks' files
    note: str = ""  # a hint shown beside the field and in the template
    max_length: int = 100
    # The key of the row's field this one is checked against (an ID number: its 证件类型).
    checked_with: str | None = None

    def options(self, policy: CentrePolicy) -> tuple[str, ...]:
        return self.choices_from(policy) if self.choices_from else self.choices


@dataclass(frozen=True)
class UnitTerms:
    """What a row needs to know of its unit (from the server's unit profile)."""

    unit_ratio: Decimal | None = None
    personal_ratio: Decimal | None = None
    paid_to: str | None = None  # 缴至年月


@dataclass
class RowContext:
    """Everything a row's rules may consult; built once per check of a list."""

    policy: CentrePolicy
    unit: UnitTerms
    roster: Roster
    today: date
    # unique key (e.g. ID number) -> the pending row id holding it, for duplicate checks
    pending_keys: dict[str, int] = field(default_factory=dict)
    # 个人账号 -> the other list (or queued submission) holding that person in a business that
    # contradicts this one (封存 and 启封): "待启封清册", "已提交待审核的待启封清册".
    conflicts: dict[str, str] = field(default_factory=dict)
    # The list-level values (entered once above the 清册): the default of each row's field.
    list_values: dict[str, str] = field(default_factory=dict)


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
class Precondition:
    """The account states a person-bound business accepts, and what the clerk reads otherwise.

    `message` may name `{name}`, `{account_no}` and `{status}`.
    """

    states: tuple[str, ...]
    message: str

    def refusal(self, person: RosterEntry) -> str | None:
        if person.status in self.states:
            return None
        return self.message.format(
            name=person.name, account_no=person.account_no, status=person.status
        )


@dataclass(frozen=True)
class BusinessSpec:
    code: str  # one of policy.BUSINESS_CODES
    name: str  # e.g. 个人开户
    list_name: str  # e.g. 待开户清册
    fields: tuple[FieldSpec, ...]
    # Fills derived values and adds cross-field errors (values, context, errors).
    derive: Deriver | None = None
    # The field that names a person uniquely; a second pending row with it is refused. None:
    # no such rule — or, for a person-bound business, the person's 个人账号 (see `row_key`).
    unique_key: str | None = None
    # Money fields summed in the list's totals.
    totals: tuple[str, ...] = ()
    # Person-bound: the account states accepted (封存 needs 正常).
    precondition: Precondition | None = None
    # Codes of businesses that contradict this one: a person pending (or queued, not yet
    # reviewed) in one of their lists is refused here, naming that list.
    conflicts: tuple[str, ...] = ()
    # Values entered once above the 清册 (a month, a reason default), stored with the list; a
    # row left blank in a field with the same key takes the list's value.
    list_level: tuple[FieldSpec, ...] = ()
    # The batch template's title (the sheet's first line), e.g. 身份证批量开户模版.
    template_title: str = ""
    # What the centre knows and local rules cannot (online only): given the way to reach the
    # centre's API, a check of the list's keys (e.g. `centre_check.open_account_check`).
    centre_check: Callable[[Any], CentreCheck] | None = None
    # Asked before a typed row is stored, once its local rules pass (online only): given the way
    # to reach the centre's API, a function returning the row with what only the centre knows
    # filled in (内部转移: the 转出单位), or raising a KnownError (offline, refused): no row.
    centre_fill: Callable[[Any], Callable[[Mapping[str, Any]], dict[str, Any]]] | None = None
    # Before 全部提交, send the list's rows to the centre's own row checks
    # (POST /submissions/check, engine/centre_rows.py) and mark each row it would refuse.
    centre_row_checks: bool = False
    # A submitted row's 个人账号 from the row and the centre's review result (开户: the new
    # account the approval gave); None: the row's own `account_no`.
    account_of: Callable[[Mapping[str, Any], Mapping[str, Any] | None], str] | None = None
    # The 清册's class when its rules need more than the row and the roster (补缴: 起缴年月 and
    # the months already back-paid), called as `BusinessList` is; None: `BusinessList`. Every
    # list of the business (window, command line) is built through `open_list`.
    lists: Callable[..., BusinessList] | None = None

    def open_list(
        self, store: Store, unit_id: int, policy: Callable[[], CentrePolicy], **options: Any
    ) -> BusinessList:
        """The business's 清册 for a unit (`options`: BusinessList's keyword arguments)."""
        from app.services.engine.pending import BusinessList

        make = self.lists or BusinessList
        return make(store, self, unit_id, policy, **options)

    @functools.cached_property
    def person_bound(self) -> bool:
        return any(f.kind is FieldKind.PERSON for f in self.fields)

    @property
    def row_key(self) -> str | None:
        """The key that makes two rows of the list duplicates (the person, where there is one)."""
        if self.unique_key:
            return self.unique_key
        return "account_no" if self.person_bound else None

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
