"""One person of the unit's roster as rows and lookups see them, and the roster they form."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class RosterEntry:
    account_no: str
    name: str
    id_type: str
    id_number: str
    status: str
    base: Decimal | None = None
    unit_ratio: Decimal | None = None
    personal_ratio: Decimal | None = None
    monthly_amount: Decimal | None = None
    paid_to: str | None = None


class Roster:
    """The unit's roster cache, indexed the ways rows look people up."""

    def __init__(self, entries: list[RosterEntry]) -> None:
        self.entries = entries
        self.by_account = {e.account_no: e for e in entries}
        self.by_id_number: dict[str, RosterEntry] = {e.id_number.upper(): e for e in entries}
        self.by_name: dict[str, list[RosterEntry]] = {}
        for entry in entries:
            self.by_name.setdefault(entry.name, []).append(entry)

    def find_id(self, id_number: str) -> RosterEntry | None:
        return self.by_id_number.get(id_number.upper())

    def find_account(self, account_no: str) -> RosterEntry | None:
        return self.by_account.get(account_no)

    def find_name(self, name: str) -> list[RosterEntry]:
        return self.by_name.get(name, [])
