"""The roster on the wire: pages of changes from the centre, and their items as column values."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from app.models import RosterPerson
from app.services.roster_entry import RosterEntry
from app.services.rules.idnumber import normalize_id_text
from app.services.rules.text import normalize

CLOSED = "销户"


class RosterPageLike(Protocol):
    """A page of the centre's roster (the API client's `RosterPage` fits)."""

    @property
    def items(self) -> Sequence[Any]: ...
    @property
    def version(self) -> int: ...
    @property
    def has_more(self) -> bool: ...


# since -> the next page of changes after that version (an object or a JSON dict).
FetchPage = Callable[[int], RosterPageLike | Mapping[str, Any]]


class RosterSource(Protocol):
    """What the centre's API client offers for the roster."""

    def roster(self, since: int = ..., *, page: int = ..., page_size: int = ...) -> Any: ...


def fetch_from(client: RosterSource, page_size: int = 500) -> FetchPage:
    """A `FetchPage` over the API client: always page 1 of what is newer than `since`.

    Versions are unique and pages are in version order, so asking again from the last stored
    version is both the next page and the way to resume after an interruption.
    """

    def fetch(since: int) -> Any:
        return client.roster(since=since, page=1, page_size=page_size)

    return fetch


# --- turning the wire's items into column values -----------------------------------------


def as_dict(item: Any) -> dict[str, Any]:
    if isinstance(item, Mapping):
        return dict(item)
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}
    raise TypeError(f"a roster item must be a mapping or a dataclass, not {type(item).__name__}")


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _monthly(data: Mapping[str, Any]) -> tuple[Decimal | None, dict[str, str]]:
    """月缴存额 total, and its unit/personal parts when the server gave them."""
    amount = data.get("monthly_amount")
    if isinstance(amount, Mapping):
        parts = {k: str(v) for k, v in amount.items() if k in ("unit", "personal")}
        return _decimal(amount.get("total")), parts
    if amount is None and "monthly_total" in data:  # the API client's typed RosterPerson
        parts = {
            "unit": str(data.get("monthly_unit", "")),
            "personal": str(data.get("monthly_personal", "")),
        }
        return _decimal(data["monthly_total"]), parts
    return _decimal(amount), {}


def columns_of(data: Mapping[str, Any]) -> dict[str, Any]:
    monthly, parts = _monthly(data)
    return {
        "name": normalize(data.get("name")),
        "id_type": data.get("id_type") or "居民身份证",
        "id_number": normalize_id_text(str(data.get("id_number") or "")),
        "sex": data.get("sex") or None,
        "birth_date": _date(data.get("birth_date")),
        "status": str(data.get("status") or ""),
        "base": _decimal(data.get("base")),
        "unit_ratio": _decimal(data.get("unit_ratio")),
        "personal_ratio": _decimal(data.get("personal_ratio")),
        "monthly_amount": monthly,
        "opened_on": _date(data.get("opened_on")),
        "paid_to": data.get("paid_to") or None,
        "version": int(data.get("version") or 0),
        "extra": {"monthly_parts": parts} if parts else None,
    }


def is_removal(data: Mapping[str, Any]) -> bool:
    return bool(data.get("deleted")) or data.get("status") == CLOSED


def to_entry(person: RosterPerson) -> RosterEntry:
    return RosterEntry(
        account_no=person.account_no,
        name=person.name,
        id_type=person.id_type,
        id_number=person.id_number,
        status=person.status,
        base=person.base,
        unit_ratio=person.unit_ratio,
        personal_ratio=person.personal_ratio,
        monthly_amount=person.monthly_amount,
        paid_to=person.paid_to,
    )


def page_parts(page: Any) -> tuple[Sequence[Any], int, bool]:
    if isinstance(page, Mapping):
        return list(page["items"]), int(page["version"]), bool(page["has_more"])
    return list(page.items), int(page.version), bool(page.has_more)
