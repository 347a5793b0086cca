"""The unit's roster cache: synced from the centre by delta, searched offline as the clerk types.

The cache is `RosterPerson` rows keyed by (unit, 个人账号). A sync asks for changes since the
unit's `roster_version` one page at a time; each page and the version it brings are committed in
one transaction, so an interrupted sync resumes from the last page that was stored and a page is
never half-applied. Searches are index-backed range queries (no Python scan per keystroke).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.errors import Cancelled, ServerError
from app.models import RosterPerson, Unit
from app.services.roster_entry import Roster, RosterEntry
from app.services.roster_lookup import RosterIndex
from app.services.roster_text import LookupKey as LookupKey
from app.services.roster_text import LookupResult as LookupResult
from app.services.roster_text import LookupState as LookupState
from app.services.roster_text import account_text as account_text
from app.services.roster_text import guess_key as guess_key
from app.services.roster_text import name_text as name_text
from app.services.roster_wire import CLOSED as CLOSED
from app.services.roster_wire import FetchPage as FetchPage
from app.services.roster_wire import as_dict, columns_of, is_removal, page_parts
from app.services.roster_wire import fetch_from as fetch_from
from app.services.roster_wire import to_entry as to_entry
from app.services.rules.idnumber import check_resident_id, mask_id, normalize_id_text
from app.services.rules.text import normalize
from app.services.store import Store

logger = logging.getLogger(__name__)

_ID_CHARS = re.compile(r"[0-9X]+")
SUFFIX_LENGTHS = range(4, 7)  # the last 4–6 digits of an ID number find a person


@dataclass(frozen=True)
class SyncCounts:
    """What a page or a whole sync did to the cache, and the version it reached."""

    added: int = 0
    changed: int = 0
    removed: int = 0
    version: int = 0

    def __add__(self, other: SyncCounts) -> SyncCounts:
        return SyncCounts(
            self.added + other.added,
            self.changed + other.changed,
            self.removed + other.removed,
            other.version,
        )


class RosterService:
    """One unit's roster cache: delta sync in, suggestions and lookups out. No Qt."""

    def __init__(self, store: Store, unit_id: int) -> None:
        self.store = store
        self.unit_id = unit_id
        self.index = RosterIndex(store.engine, unit_id)  # the lookups, without the ORM

    # --- sync -----------------------------------------------------------------------------
    def version(self) -> int:
        """The roster version the cache holds (0 before the first sync)."""
        with self.store.session() as session:
            return session.get_one(Unit, self.unit_id).roster_version or 0

    def apply_page(self, items: Iterable[Any], version: int) -> SyncCounts:
        """Store one page of changes and the version it brings, in one transaction."""
        added = changed = removed = 0
        rows = [as_dict(item) for item in items]
        with self.store.session() as session:
            existing = self._by_account(session, [str(r["account_no"]) for r in rows])
            for data in rows:
                account_no = str(data["account_no"])
                person = existing.get(account_no)
                if is_removal(data):
                    if person is not None:
                        session.delete(person)
                        existing.pop(account_no)
                        removed += 1
                    continue
                columns = columns_of(data)
                if person is None:
                    person = RosterPerson(unit_id=self.unit_id, account_no=account_no, **columns)
                    session.add(person)
                    existing[account_no] = person
                    added += 1
                elif self._update(person, columns):
                    changed += 1
            session.get_one(Unit, self.unit_id).roster_version = int(version)
        return SyncCounts(added, changed, removed, int(version))

    def _by_account(self, session: Session, account_nos: list[str]) -> dict[str, RosterPerson]:
        found: dict[str, RosterPerson] = {}
        for start in range(0, len(account_nos), 500):  # stay under SQLite's variable limit
            chunk = account_nos[start : start + 500]
            query = select(RosterPerson).where(
                RosterPerson.unit_id == self.unit_id, RosterPerson.account_no.in_(chunk)
            )
            found.update((p.account_no, p) for p in session.scalars(query))
        return found

    @staticmethod
    def _update(person: RosterPerson, columns: Mapping[str, Any]) -> bool:
        differs = False
        for key, value in columns.items():
            if getattr(person, key) != value:
                setattr(person, key, value)
                differs = True
        return differs

    def sync(
        self,
        fetch_page: FetchPage,
        *,
        cancelled: Callable[[], bool] | None = None,
        progress: Callable[[SyncCounts], None] | None = None,
    ) -> SyncCounts:
        """Fetch and store changes since the cached version until the centre has no more."""
        total = SyncCounts(version=self.version())
        while True:
            if cancelled is not None and cancelled():
                raise Cancelled("名册同步已取消，已同步的部分已保存。")
            since = total.version
            page = fetch_page(since)
            items, version, has_more = page_parts(page)
            if has_more and version <= since:
                raise ServerError("中心返回的名册版本没有前进，同步已停止，请稍后重试。")
            total = total + self.apply_page(items, version)
            if progress is not None:
                progress(total)
            if not has_more:
                break
        logger.info(
            "roster of unit %s synced to version %s: %s added, %s changed, %s removed",
            self.unit_id,
            total.version,
            total.added,
            total.changed,
            total.removed,
        )
        return total

    # --- reading --------------------------------------------------------------------------
    def count(self) -> int:
        with self.store.session() as session:
            query = select(func.count()).where(RosterPerson.unit_id == self.unit_id)
            return session.scalar(query) or 0

    def roster(self) -> Roster:
        """The whole cache as the business engine's `Roster` (for checking a pending list)."""
        with self.store.session() as session:
            query = self._persons().order_by(RosterPerson.account_no)
            return Roster([to_entry(p) for p in session.scalars(query)])

    def get(self, account_no: str) -> RosterEntry | None:
        with self.store.session() as session:
            query = self._persons().where(RosterPerson.account_no == account_text(account_no))
            person = session.scalar(query)
            return to_entry(person) if person else None

    def _persons(self) -> Select[RosterPerson]:
        return select(RosterPerson).where(RosterPerson.unit_id == self.unit_id)

    def search(self, text: str, limit: int = 20) -> list[RosterEntry]:
        """Suggestions as the clerk types: exact matches first, then prefixes, then the rest."""
        name = name_text(text)
        if not name or limit <= 0:
            return []
        account = account_text(text)
        id_text = normalize_id_text(text)
        id_like = bool(_ID_CHARS.fullmatch(id_text))
        names = not id_like  # digits and X alone are a number, not a name
        # (rank, column, text): lower rank is a better match. Every query is an index range but
        # "name contains", which scans one unit's rows inside SQLite.
        queries: list[tuple[int, str, str]] = []
        if names:
            queries.append((1, "name", name))
        if account:
            queries.append((2, "account_no", account))
        if id_like:
            queries.append((2, "id_number", id_text))
        if id_like and len(id_text) in SUFFIX_LENGTHS:
            queries.append((3, "id_suffix", id_text))
        contains = name if names else None
        found = self.index.prefixed([(c, t) for _, c, t in queries], contains, limit)
        ranks = [rank for rank, _, _ in queries] + [3]
        best: dict[str, tuple[int, RosterEntry]] = {}
        for rank, persons in zip(ranks, found, strict=False):
            for person in persons:
                exact = person.name == name or person.account_no == account
                found_rank = 0 if exact or person.id_number == id_text else rank
                held = best.get(person.account_no)
                if held is None or found_rank < held[0]:
                    best[person.account_no] = (found_rank, person)
        ranked = sorted(best.values(), key=lambda r: (r[0], r[1].name, r[1].account_no))
        return [entry for _, entry in ranked[:limit]]

    def resolve(self, text: str, key: LookupKey | str | None = None) -> LookupResult:
        """What a lookup field found on leaving it: an exact match on the key typed.

        In the 证件号码 field (key given) the last 4–6 characters of a number also do, as the
        field's hint says; several people ending so are `many`, for the clerk to choose.
        """
        typed = normalize(text)
        if not typed:
            return LookupResult(LookupState.NONE, message="")
        wanted = LookupKey(key) if key is not None else guess_key(typed)
        persons = self._exact(wanted, typed)
        if not persons and key is None and wanted is LookupKey.ID_NUMBER:
            persons = self._exact(LookupKey.ACCOUNT_NO, typed)  # an all-digit 个人账号
        if not persons and key is not None and wanted is LookupKey.ID_NUMBER:
            persons = self._id_suffix(typed)
        if not persons:
            shown = mask_id(typed) if wanted is LookupKey.ID_NUMBER else typed
            logger.debug("roster lookup by %s found nobody: %s", wanted.value, shown)
            return LookupResult(
                LookupState.NONE,
                message=f"本单位名册中没有{wanted.label}为“{typed}”的职工，请核对后重新输入。",
            )
        state = LookupState.ONE if len(persons) == 1 else LookupState.MANY
        return LookupResult(state, tuple(persons))

    def _exact(self, key: LookupKey, typed: str) -> list[RosterEntry]:
        if key is LookupKey.NAME:
            return self.index.exact("name", name_text(typed))
        if key is LookupKey.ACCOUNT_NO:
            return self.index.exact("account_no", account_text(typed))
        return self.index.exact("id_number", _id_forms(typed))

    def _id_suffix(self, typed: str) -> list[RosterEntry]:
        ending = normalize_id_text(typed)
        if len(ending) not in SUFFIX_LENGTHS or not _ID_CHARS.fullmatch(ending):
            return []
        return self.index.id_ending(ending)


def _id_forms(typed: str) -> list[str]:
    """The forms an ID number may be stored in: as typed, and a legacy 15 digits as 18."""
    number = normalize_id_text(typed)
    forms = [number]
    if len(number) == 15 and number.isdigit():
        upgraded = check_resident_id(number)
        if upgraded.normalized:
            forms.append(upgraded.normalized)
    return forms
