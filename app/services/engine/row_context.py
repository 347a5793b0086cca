"""What a row's rules consult, built once per check of a list: policy, unit, roster, neighbours."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, literal_column, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app.models import OutboxItem, PendingList, PendingRow, RosterPerson, Unit
from app.services.engine.pending_query import RowView
from app.services.engine.spec import BusinessSpec, RowContext, UnitTerms
from app.services.engine.states import (
    AWAITING_REVIEW_UPLOAD,
    ListState,
    SubmissionState,
    UploadState,
)
from app.services.policy import BUSINESS_NAMES, CentrePolicy
from app.services.roster_entry import Roster, RosterEntry

_ENTRY_COLUMNS = (
    RosterPerson.account_no,
    RosterPerson.name,
    RosterPerson.id_type,
    RosterPerson.id_number,
    RosterPerson.status,
    RosterPerson.base,
    RosterPerson.unit_ratio,
    RosterPerson.personal_ratio,
    RosterPerson.monthly_amount,
    RosterPerson.paid_to,
)


def roster_entries(
    session: Session, unit_id: int, *, by_account: bool = False
) -> list[RosterEntry]:
    """The unit's people as plain columns (an ORM object each made 10,000 people take ~1 s),
    in the order they came, or by 个人账号."""
    order = RosterPerson.account_no if by_account else RosterPerson.id
    found = session.execute(
        select(*_ENTRY_COLUMNS).where(RosterPerson.unit_id == unit_id).order_by(order)
    )
    return [
        RosterEntry(
            account_no=a,
            name=n,
            id_type=t,
            id_number=i,
            status=s,
            base=b,
            unit_ratio=u,
            personal_ratio=p,
            monthly_amount=m,
            paid_to=d,
        )
        for a, n, t, i, s, b, u, p, m, d in found
    ]


# The last roster read of each unit, with a digest of the text SQLite makes of it (every column
# a Roster holds, in its order): while the digest is the same, so is the roster, and it is not
# read and indexed again. 10,000 people: 0.03 s for the digest, 0.11 s to read them; 100,000:
# 0.4 / 1.5 s — and a file's import builds its context twice (check, then store).
_ROSTERS: dict[int, tuple[bytes, Roster]] = {}
_ROSTERS_KEPT = 4
_ROSTERS_LOCK = threading.Lock()  # workers read rosters; the window's thread may too


def roster_digest(session: Session, unit_id: int) -> bytes:
    """A digest of the unit's roster as `roster_entries` reads it (made by SQLite as one text)."""
    person = func.json_array(*_ENTRY_COLUMNS).label("person")
    people = (
        select(person).where(RosterPerson.unit_id == unit_id).order_by(RosterPerson.id).subquery()
    )
    text = session.scalar(select(func.json_group_array(people.c.person))) or "[]"
    return hashlib.sha1(text.encode("utf-8")).digest()


def unit_roster(session: Session, unit_id: int) -> Roster:
    """The unit's roster: the one read last time if nothing in it changed since."""
    # The digest first: a change between the two reads leaves an older digest with the newer
    # people, so the next call reads again (never the other way round).
    digest = roster_digest(session, unit_id)
    kept = _ROSTERS.get(unit_id)
    if kept is not None and kept[0] == digest:
        return kept[1]
    roster = Roster(roster_entries(session, unit_id))
    with _ROSTERS_LOCK:
        _ROSTERS.pop(unit_id, None)
        while len(_ROSTERS) >= _ROSTERS_KEPT:
            _ROSTERS.pop(next(iter(_ROSTERS)))
        _ROSTERS[unit_id] = (digest, roster)
    return roster


def unit_terms(session: Session, unit_id: int) -> UnitTerms:
    profile = session.get_one(Unit, unit_id).profile or {}
    return UnitTerms(
        unit_ratio=Decimal(profile["unit_ratio"]) if profile.get("unit_ratio") else None,
        personal_ratio=(
            Decimal(profile["personal_ratio"]) if profile.get("personal_ratio") else None
        ),
        paid_to=profile.get("paid_to"),
    )


def pending_keys(session: Session, spec: BusinessSpec, plist: PendingList) -> dict[str, int]:
    """The key of each live row (upper case) -> the first row holding it, for duplicates."""
    keys: dict[str, int] = {}
    if spec.row_key is None:
        return keys
    # Only the key of each row, read by SQLite itself: no JSON parsed in Python.
    value = func.json_extract(PendingRow.data, f"$.{spec.row_key}")
    # Two JSON arrays in one row, not a row per key: fetching 100,000 rows hands the GIL back
    # and forth per row, and a worker doing that starved the window's thread (issue 12).
    ordered = (
        select(PendingRow.id.label("row_id"), value.label("key"))
        .where(PendingRow.list_id == plist.id, PendingRow.deleted_at.is_(None))
        .order_by(PendingRow.position, PendingRow.id)
        .subquery()
    )
    ids, found = session.execute(
        select(func.json_group_array(ordered.c.row_id), func.json_group_array(ordered.c.key))
    ).one()
    for row_id, key in zip(json.loads(ids), json.loads(found), strict=True):
        if key:
            keys.setdefault(str(key).upper(), row_id)
    return keys


def key_holders_query(spec: BusinessSpec, list_id: int, key: str) -> Any:
    """The live rows of the list holding `key` (already upper case): (id, position) each.

    证件号码 and 个人账号 have an index of this expression (migration 0007_table); another key
    scans the list's rows once."""
    assert spec.row_key is not None
    # The path inline, not a bound parameter, so SQLite sees the indexed expression.
    path: ColumnElement[str] = literal_column("'$." + spec.row_key.replace("'", "") + "'")
    holds = func.upper(func.json_extract(PendingRow.data, path)) == key
    return select(PendingRow.id, PendingRow.position).where(
        PendingRow.list_id == list_id, PendingRow.deleted_at.is_(None), holds
    )


class KeyLookup(dict[str, int]):
    """`pending_keys` asked of SQLite one key at a time, for a check of a few rows.

    Reading all the keys of a 100,000-row list (and building a dict of them) took a worker
    ~0.3 s of mostly GIL-holding work per 添加/修改/撤销删除, which kept the window waiting
    (issue 12). Keys set on it (rows added in the same transaction) are answered first.
    """

    def __init__(self, session: Session, spec: BusinessSpec, plist: PendingList) -> None:
        super().__init__()
        self.session, self.spec, self.list_id = session, spec, plist.id

    def _holder(self, key: str) -> int | None:
        if self.spec.row_key is None or not key:
            return None
        found = self.session.execute(key_holders_query(self.spec, self.list_id, key)).all()
        return min(found, key=lambda r: (r[1], r[0]))[0] if found else None

    def get(self, key: str, default: Any = None) -> Any:
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        found = self._holder(key)
        return default if found is None else found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __getitem__(self, key: str) -> int:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return int(found)


def keys_changed(
    spec: BusinessSpec, ctx: RowContext, removed: Iterable[RowView], added: Iterable[RowView]
) -> None:
    """Keep a context's `pending_keys` up to date with rows removed and added, one row at a
    time (a view's copy of the list's keys, read once when it opened). A key another row also
    holds is dropped with the row: the service's own check, in SQL, is the one that decides."""
    key_field = spec.row_key
    if key_field is None:
        return
    keys = ctx.pending_keys
    for row in removed:
        key = str(row.values.get(key_field) or "").upper()
        if key and keys.get(key) == row.id:
            del keys[key]
    for row in added:
        key = str(row.values.get(key_field) or "").upper()
        if key:
            keys.setdefault(key, row.id)


def conflicts(session: Session, spec: BusinessSpec, unit_id: int) -> dict[str, str]:
    """个人账号 -> where that person is held by a business contradicting this one.

    Held means: a live row of that business's open 清册, or a row of a submission of it that
    is queued, being sent, or at the centre awaiting review.
    """
    held: dict[str, str] = {}
    for code in spec.conflicts:
        list_name = _list_name(code)
        waiting = session.scalars(
            select(OutboxItem.rows).where(
                OutboxItem.unit_id == unit_id,
                OutboxItem.business == code,
                or_(
                    OutboxItem.state.in_([s.value for s in AWAITING_REVIEW_UPLOAD]),
                    OutboxItem.review_state == SubmissionState.PENDING.value,
                    # sent, and no review pulled yet: 待审核 too (states.current)
                    (OutboxItem.state == UploadState.SENT.value)
                    & OutboxItem.review_state.is_(None),
                ),
            )
        )
        for rows in waiting:
            for row in rows or []:
                held.setdefault(str(row.get("account_no", "")), f"已提交待审核的{list_name}")
        live = session.scalars(
            select(PendingRow.data)
            .join(PendingList, PendingRow.list_id == PendingList.id)
            .where(
                PendingList.unit_id == unit_id,
                PendingList.business == code,
                PendingList.state == ListState.OPEN.value,
                PendingRow.deleted_at.is_(None),
            )
        )
        for data in live:
            held[str(data.get("account_no", ""))] = list_name
    held.pop("", None)
    return held


def _list_name(code: str) -> str:
    from app.services.businesses import SPECS  # the registry imports the engine: ask late

    found = SPECS.get(code)
    return found.list_name if found else f"{BUSINESS_NAMES.get(code, code)}清册"


def build_context(
    session: Session,
    spec: BusinessSpec,
    unit_id: int,
    policy: CentrePolicy,
    today: date,
    plist: PendingList | None = None,
) -> RowContext:
    return RowContext(
        policy=policy,
        unit=unit_terms(session, unit_id),
        roster=unit_roster(session, unit_id),
        today=today,
        pending_keys=pending_keys(session, spec, plist) if plist is not None else {},
        conflicts=conflicts(session, spec, unit_id) if spec.conflicts else {},
        list_values=dict(plist.list_values or {}) if plist is not None else {},
    )


def same_rules(now: RowContext, then: RowContext) -> bool:
    """Whether rows checked against `then` would be judged the same now (duplicates aside)."""
    return (
        now.today == then.today
        and now.unit == then.unit
        and now.policy == then.policy
        and now.conflicts == then.conflicts
        and now.list_values == then.list_values
        and (now.roster is then.roster or now.roster.entries == then.roster.entries)
    )
