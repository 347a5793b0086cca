"""What the centre's API returns, as typed values (money is Decimal, dates are date)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class LoginResult:
    unit_code: str
    expires_in: int


@dataclass(frozen=True)
class UnitProfile:
    unit_code: str
    name: str
    centre_name: str
    unit_ratio: Decimal
    personal_ratio: Decimal
    paid_to: str  # 缴至年月 "YYYY-MM"
    suspense_balance: Decimal
    person_counts: dict[str, int]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> UnitProfile:
        return cls(
            unit_code=data["unit_code"],
            name=data["name"],
            centre_name=data.get("centre_name", ""),
            unit_ratio=Decimal(data["unit_ratio"]),
            personal_ratio=Decimal(data["personal_ratio"]),
            paid_to=data["paid_to"],
            suspense_balance=Decimal(data["suspense_balance"]),
            person_counts=dict(data.get("person_counts", {})),
        )


@dataclass(frozen=True)
class RosterPerson:
    account_no: str
    name: str
    id_type: str
    id_number: str
    sex: str
    birth_date: date | None
    status: str
    base: Decimal
    unit_ratio: Decimal
    personal_ratio: Decimal
    monthly_unit: Decimal
    monthly_personal: Decimal
    monthly_total: Decimal
    opened_on: date | None
    paid_to: str
    version: int
    deleted: bool = False  # left the unit (内部转移 out): the roster cache drops them

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RosterPerson:
        amount = data["monthly_amount"]
        return cls(
            account_no=data["account_no"],
            name=data["name"],
            id_type=data["id_type"],
            id_number=data["id_number"],
            sex=data.get("sex", ""),
            birth_date=_date(data.get("birth_date")),
            status=data["status"],
            base=Decimal(data["base"]),
            unit_ratio=Decimal(data["unit_ratio"]),
            personal_ratio=Decimal(data["personal_ratio"]),
            monthly_unit=Decimal(amount["unit"]),
            monthly_personal=Decimal(amount["personal"]),
            monthly_total=Decimal(amount["total"]),
            opened_on=_date(data.get("opened_on")),
            paid_to=data["paid_to"],
            version=int(data["version"]),
            deleted=bool(data.get("deleted")),
        )


@dataclass(frozen=True)
class RosterPage:
    items: list[RosterPerson]
    version: int  # pass as `since` next time once has_more is False
    has_more: bool


@dataclass(frozen=True)
class PersonLookup:
    name: str
    id_number_masked: str
    status: str
    unit_code: str
    unit_name: str
    account_no: str | None  # only when the person is in the caller's own unit
    in_own_unit: bool
    transfer_refusal: str | None = None  # why they cannot move into the caller's unit

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PersonLookup:
        return cls(
            name=data["name"],
            id_number_masked=data["id_number_masked"],
            status=data["status"],
            unit_code=data["unit_code"],
            unit_name=data["unit_name"],
            account_no=data.get("account_no"),
            in_own_unit=bool(data.get("in_own_unit")),
            transfer_refusal=data.get("transfer_refusal"),
        )


@dataclass(frozen=True)
class OpenAccountHolder:
    """An ID number that already has an open account at the centre, and the unit holding it."""

    id_number: str  # as the caller sent it
    unit_code: str
    unit_name: str
    in_own_unit: bool

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OpenAccountHolder:
        return cls(
            id_number=str(data["id_number"]),
            unit_code=str(data["unit_code"]),
            unit_name=str(data["unit_name"]),
            in_own_unit=bool(data.get("in_own_unit")),
        )


@dataclass(frozen=True)
class CentreOpening:
    """An account opened at the unit, as the centre records it (ID number masked)."""

    opened_on: str
    account_no: str
    name: str
    id_number_masked: str
    base: str
    monthly_amount: str
    status: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CentreOpening:
        return cls(
            opened_on=str(data["opened_on"]),
            account_no=str(data["account_no"]),
            name=str(data["name"]),
            id_number_masked=str(data["id_number_masked"]),
            base=str(data["base"]),
            monthly_amount=str(data["monthly_amount"]),
            status=str(data["status"]),
        )


@dataclass(frozen=True)
class OpeningsPage:
    items: list[CentreOpening]
    total: int
    has_more: bool


@dataclass(frozen=True)
class AttachmentInfo:
    id: str
    sha256: str
    size: int
    content_type: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AttachmentInfo:
        return cls(
            id=data["id"],
            sha256=data["sha256"],
            size=int(data["size"]),
            content_type=data["content_type"],
        )


@dataclass(frozen=True)
class SubmissionRecord:
    id: int
    business: str
    state: str  # 待审核 / 审核通过 / 退回 / 已复核 / 已使用
    state_code: str
    reason: str | None
    rows: list[dict[str, Any]]
    attachments: list[str]
    client_ref: str | None
    result: dict[str, Any] | None
    created_at: str
    updated_at: str
    version: int
    replayed: bool

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SubmissionRecord:
        return cls(
            id=int(data["id"]),
            business=data["business"],
            state=data["state"],
            state_code=data.get("state_code", ""),
            reason=data.get("reason"),
            rows=list(data.get("rows", [])),
            attachments=list(data.get("attachments", [])),
            client_ref=data.get("client_ref"),
            result=data.get("result"),
            created_at=data.get("created_at", ""),
            updated_at=data.get("updated_at", ""),
            version=int(data["version"]),
            replayed=bool(data.get("replayed")),
        )


@dataclass(frozen=True)
class SubmissionPage:
    items: list[SubmissionRecord]
    version: int
    has_more: bool
