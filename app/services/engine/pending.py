"""A business's pending list (清册): add, modify, delete (with undo), check, submit, reopen."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.errors import BadInputError
from app.models import Attachment, OutboxItem, PendingList, PendingRow, RosterPerson, Unit
from app.models.base import dump_json, utcnow
from app.services import audit
from app.services.attachments import AttachmentService
from app.services.engine import states
from app.services.engine.centre_check import CentreCheck
from app.services.engine.history import rejected_rows
from app.services.engine.rows import check_row
from app.services.engine.spec import (
    BusinessSpec,
    Roster,
    RosterEntry,
    RowCheck,
    RowContext,
    UnitTerms,
)
from app.services.engine.states import SubmissionState, UploadState
from app.services.policy import CentrePolicy
from app.services.roster import to_entry
from app.services.store import Store

logger = logging.getLogger(__name__)


class RowInvalidError(BadInputError):
    """A row breaks its rules; `errors` maps each field to its message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        first = next(iter(errors.values()))
        super().__init__(first if len(errors) == 1 else f"{first}（共 {len(errors)} 处问题）")
        self.errors = dict(errors)


@dataclass(frozen=True)
class RowView:
    """A pending row as views and the command line see it."""

    id: int
    position: int
    values: dict[str, str]
    errors: dict[str, str]
    source: str | None
    deleted: bool = False


@dataclass(frozen=True)
class ListSummary:
    count: int
    with_errors: int
    totals: dict[str, Decimal]


def _view(row: PendingRow) -> RowView:
    return RowView(
        row.id,
        row.position,
        dict(row.data),
        dict(row.errors or {}),
        row.source,
        row.deleted_at is not None,
    )


def _same_rules(now: RowContext, then: RowContext) -> bool:
    """Whether rows checked against `then` would be judged the same now (duplicates aside)."""
    return (
        now.today == then.today
        and now.unit == then.unit
        and now.policy == then.policy
        and (now.roster is then.roster or now.roster.entries == then.roster.entries)
    )


def roster_entries(session: Session, unit_id: int) -> list[RosterEntry]:
    persons = session.scalars(select(RosterPerson).where(RosterPerson.unit_id == unit_id))
    return [to_entry(p) for p in persons]


class PendingLists:
    """The pending list of one business for one unit."""

    def __init__(
        self,
        store: Store,
        spec: BusinessSpec,
        unit_id: int,
        policy: Callable[[], CentrePolicy],
        today: Callable[[], date] = date.today,
        centre_check: CentreCheck | None = None,
        centre_fill: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None,
    ) -> None:
        self.store = store
        self.spec = spec
        self.unit_id = unit_id
        self._policy = policy
        self._today = today
        # What the centre knows and the local rules cannot (e.g. an account open elsewhere).
        self.centre_check = centre_check
        # Asked before a row typed in is stored, once its local rules pass: what only the centre
        # knows (内部转移: the 转出单位). Raises a KnownError (offline, refused): nothing stored.
        self.centre_fill = centre_fill

    # --- reading ---------------------------------------------------------------------------
    def _open_list(self, session: Session) -> PendingList:
        found = session.scalar(
            select(PendingList).where(
                PendingList.unit_id == self.unit_id,
                PendingList.business == self.spec.code,
                PendingList.state == "open",
            )
        )
        if found is None:
            found = PendingList(unit_id=self.unit_id, business=self.spec.code, state="open")
            session.add(found)
            session.flush()
        return found

    def _live_rows(self, session: Session, plist: PendingList) -> list[PendingRow]:
        return list(
            session.scalars(
                select(PendingRow)
                .where(PendingRow.list_id == plist.id, PendingRow.deleted_at.is_(None))
                .order_by(PendingRow.position, PendingRow.id)
            )
        )

    def list_id(self) -> int:
        with self.store.session() as session:
            return self._open_list(session).id

    def _live_count(self, session: Session, plist: PendingList) -> int:
        return (
            session.scalar(
                select(func.count())
                .select_from(PendingRow)
                .where(PendingRow.list_id == plist.id, PendingRow.deleted_at.is_(None))
            )
            or 0
        )

    def rows(self) -> list[RowView]:
        """The open list's rows, read as plain columns (no ORM objects: 100,000 rows stay quick)."""
        with self.store.session() as session:
            plist = self._open_list(session)
            found = session.execute(
                select(
                    PendingRow.id,
                    PendingRow.position,
                    PendingRow.data,
                    PendingRow.errors,
                    PendingRow.source,
                )
                .where(PendingRow.list_id == plist.id, PendingRow.deleted_at.is_(None))
                .order_by(PendingRow.position, PendingRow.id)
            )
            return [
                RowView(row_id, position, data, errors or {}, source)
                for row_id, position, data, errors, source in found
            ]

    def summary(self, rows: list[RowView] | None = None) -> ListSummary:
        """Counts and totals of the list (of `rows` if the caller has just read them)."""
        rows = self.rows() if rows is None else rows
        totals = {key: Decimal(0) for key in self.spec.totals}
        for row in rows:
            for key in self.spec.totals:
                try:
                    totals[key] += Decimal(row.values.get(key) or 0)
                except ArithmeticError:
                    continue  # a bad cell is flagged on the row; it just does not add up
        return ListSummary(len(rows), sum(1 for r in rows if r.errors), totals)

    def context(self, session: Session, plist: PendingList | None = None) -> RowContext:
        unit = session.get_one(Unit, self.unit_id)
        profile = unit.profile or {}
        terms = UnitTerms(
            unit_ratio=Decimal(profile["unit_ratio"]) if profile.get("unit_ratio") else None,
            personal_ratio=(
                Decimal(profile["personal_ratio"]) if profile.get("personal_ratio") else None
            ),
            paid_to=profile.get("paid_to"),
        )
        keys: dict[str, int] = {}
        if plist is not None and self.spec.unique_key:
            # Only the unique key of each row, read by SQLite itself: no JSON parsed in Python.
            value = func.json_extract(PendingRow.data, f"$.{self.spec.unique_key}")
            found = session.execute(
                select(PendingRow.id, value)
                .where(PendingRow.list_id == plist.id, PendingRow.deleted_at.is_(None))
                .order_by(PendingRow.position, PendingRow.id)
            )
            for row_id, key in found:
                if key:
                    keys.setdefault(str(key).upper(), row_id)
        return RowContext(
            policy=self._policy(),
            unit=terms,
            roster=Roster(roster_entries(session, self.unit_id)),
            today=self._today(),
            pending_keys=keys,
        )

    def snapshot(self) -> RowContext:
        """The rules' context as of now, for live previews that must not query per keystroke."""
        with self.store.session() as session:
            return self.context(session, self._open_list(session))

    def check(self, raw: Mapping[str, Any], *, row_id: int | None = None) -> RowCheck:
        """What adding (or changing) this row would say, without storing anything."""
        with self.store.session() as session:
            plist = self._open_list(session)
            return check_row(self.spec, raw, self.context(session, plist), row_id=row_id)

    # --- writing ---------------------------------------------------------------------------
    def add(self, raw: Mapping[str, Any], *, source: str = "单笔录入") -> RowView:
        """Check and add one row; RowInvalidError (nothing stored) if it breaks a rule."""
        return self.add_many([(self._filled(raw), source)])[0]

    def _filled(self, raw: Mapping[str, Any], row_id: int | None = None) -> Mapping[str, Any]:
        if self.centre_fill is None:
            return raw
        local = self.check(raw, row_id=row_id)
        if not local.ok:
            raise RowInvalidError(local.errors)
        return self.centre_fill(local.values)

    def add_many(
        self,
        rows: Iterable[tuple[Mapping[str, Any], str]],
        *,
        checked: Sequence[RowCheck] | None = None,
        checked_with: RowContext | None = None,
    ) -> list[RowView]:
        """Add rows in one transaction: all of them, or none if any breaks a rule.

        A bulk import may pass what its validation gave (`checked`, one per row, made against
        `checked_with`): while the rules' context is still the same, only duplicates are looked
        at again (the rules are pure functions of row and context); otherwise, and whenever
        nothing is passed, every row is checked afresh.
        """
        batch = list(rows)
        with self.store.session() as session:
            plist = self._locked(session)  # no other writer between the checks and the insert
            ctx = self.context(session, plist)
            reuse = (
                checked is not None
                and len(checked) == len(batch)
                and checked_with is not None
                and _same_rules(ctx, checked_with)
            )
            position = self._live_count(session, plist)
            records: list[dict[str, Any]] = []
            for index, (raw, source) in enumerate(batch):
                if reuse and checked is not None:
                    result = checked[index]
                    errors = dict(result.errors) or self._duplicate(result.values, ctx)
                else:
                    result = check_row(self.spec, raw, ctx)
                    errors = result.errors
                if errors:
                    raise RowInvalidError(errors)
                position += 1
                records.append(
                    {
                        "list_id": plist.id,
                        "position": position,
                        "data": result.values,
                        "errors": None,
                        "source": source,
                    }
                )
                if self.spec.unique_key and result.values.get(self.spec.unique_key):
                    # Any holder makes a later row with the same key a duplicate.
                    ctx.pending_keys[result.values[self.spec.unique_key].upper()] = -position
            ids = self._insert_rows(session, records)
            audit.record(
                session,
                "pending.add",
                unit_id=self.unit_id,
                business=self.spec.code,
                count=len(records),
            )
            return [
                RowView(row_id, r["position"], dict(r["data"]), {}, r["source"])
                for row_id, r in zip(ids, records, strict=True)
            ]

    @staticmethod
    def _insert_rows(session: Session, records: list[dict[str, Any]]) -> list[int]:
        """One executemany INSERT straight to SQLite, in the session's transaction.

        A flush per row made 10,000 rows take seconds, and even SQLAlchemy's bulk insert spends
        more on its parameter handling than SQLite on the writing. SQLite gives rowids in
        insertion order within this (single-writer) transaction, so the new ids are the ones
        above the largest before it.
        """
        if not records:
            return []
        now = utcnow().strftime("%Y-%m-%d %H:%M:%S.%f")  # SQLAlchemy's SQLite DATETIME text
        before = session.scalar(select(func.max(PendingRow.id))) or 0
        session.connection().exec_driver_sql(
            "INSERT INTO pending_rows (list_id, position, data, errors, source, created_at, "
            "updated_at) VALUES (?, ?, ?, NULL, ?, ?, ?)",
            [
                (r["list_id"], r["position"], dump_json(r["data"]), r["source"], now, now)
                for r in records
            ],
        )
        return list(
            session.scalars(
                select(PendingRow.id)
                .where(PendingRow.list_id == records[0]["list_id"], PendingRow.id > before)
                .order_by(PendingRow.id)
            )
        )

    def _duplicate(self, values: Mapping[str, str], ctx: RowContext) -> dict[str, str]:
        """check_row's duplicate rule alone, for rows whose other rules were already applied."""
        key_field = self.spec.unique_key
        key = str(values.get(key_field or "", "")).upper()
        if not key_field or not key or key not in ctx.pending_keys:
            return {}
        label = self.spec.field(key_field).label
        return {key_field: f"{label} {values[key_field]} 已在{self.spec.list_name}中"}

    def update(self, row_id: int, raw: Mapping[str, Any]) -> RowView:
        raw = self._filled(raw, row_id)
        with self.store.session() as session:
            row = self._row(session, row_id)
            result = check_row(
                self.spec, raw, self.context(session, row.pending_list), row_id=row_id
            )
            if not result.ok:
                raise RowInvalidError(result.errors)
            row.data, row.errors = result.values, None
            audit.record(
                session, "pending.update", unit_id=self.unit_id, business=self.spec.code, row=row_id
            )
            session.flush()
            return _view(row)

    def delete(self, row_id: int) -> None:
        """Remove a row from the list; `undo_delete` brings it back."""
        with self.store.session() as session:
            self._row(session, row_id).deleted_at = utcnow()
            audit.record(
                session, "pending.delete", unit_id=self.unit_id, business=self.spec.code, row=row_id
            )

    def undo_delete(self, row_id: int) -> RowView:
        with self.store.session() as session:
            self._locked(session)
            row = session.get(PendingRow, row_id)
            if row is None or row.pending_list.unit_id != self.unit_id:
                raise BadInputError("要恢复的记录已不存在。")
            if row.pending_list.state != "open":
                raise BadInputError("该清册已经提交，无法恢复其中删除的记录。")
            key = str(row.data.get(self.spec.unique_key or "", "")).upper()
            if key and self.spec.unique_key:
                ctx = self.context(session, row.pending_list)
                if key in ctx.pending_keys:
                    label = self.spec.field(self.spec.unique_key).label
                    raise BadInputError(f"{label} {key} 已重新录入，不能再恢复这条记录。")
            row.deleted_at = None
            audit.record(
                session,
                "pending.undo_delete",
                unit_id=self.unit_id,
                business=self.spec.code,
                row=row_id,
            )
            return _view(row)

    def _row(self, session: Session, row_id: int) -> PendingRow:
        self._locked(session)  # a 全部提交 running now finishes first; then the list is closed
        row = session.get(PendingRow, row_id)
        if (
            row is None
            or row.deleted_at is not None
            or row.pending_list.unit_id != self.unit_id
            or row.pending_list.business != self.spec.code
        ):
            raise BadInputError("该记录已不存在（可能已被删除或已提交）。")
        if row.pending_list.state != "open":
            raise BadInputError("该清册已经提交，不能再修改。")
        return row

    def recheck(self) -> list[RowView]:
        """Check every row again (the policy or the roster may have changed); store the marks.

        With a `centre_check` (online), rows the centre would refuse are marked too — asked
        before the write transaction, so no lock is held while the network answers.
        """
        key = self.spec.unique_key
        centre: dict[str, str] = {}
        if self.centre_check is not None and key:
            centre = self.centre_check([str(r.values.get(key) or "") for r in self.rows()])
        with self.store.session() as session:
            plist = self._open_list(session)
            ctx = self.context(session, plist)
            rows = self._live_rows(session, plist)
            for row in rows:
                errors = dict(check_row(self.spec, row.data, ctx, row_id=row.id).errors)
                found = centre.get(str(row.data.get(key or "") or "").upper()) if key else None
                if found and key and key not in errors:
                    errors[key] = found
                row.errors = errors or None
            return [_view(r) for r in rows]

    # --- submitting ------------------------------------------------------------------------
    def missing_materials(self) -> list[str]:
        """Required materials with no document attached to the open list yet."""
        with self.store.session() as session:
            plist = self._open_list(session)
            have = set(
                session.scalars(select(Attachment.material).where(Attachment.list_id == plist.id))
            )
        required = self._policy().required_materials(self.spec.code)
        return [m.name for m in required if m.name not in have]

    def _locked(self, session: Session) -> PendingList:
        """Take SQLite's write lock, then read the open list: what follows reads stays true.

        pysqlite opens the transaction at the first write; a no-op UPDATE of the unit makes
        that happen before the reads, so another writer (an import, a second window, the
        command line) waits until this transaction commits, and then sees its result — e.g. a
        list that was submitted meanwhile, so its rows go to the next list, not a sent one.
        """
        session.execute(update(Unit).where(Unit.id == self.unit_id).values(id=Unit.id))
        return self._open_list(session)

    def submit(self) -> int:
        """全部提交: check rows and materials, then put the list in the outbox (committed first).

        One transaction under the write lock: exactly the rows checked are the rows sent, and
        the list cannot change in between. Returns the outbox item's id; nothing is sent here.
        """
        problem: str | None = None
        with self.store.session() as session:
            plist = self._locked(session)
            ctx = self.context(session, plist)
            rows = self._live_rows(session, plist)
            bad = 0
            first_error = ""
            for row in rows:
                result = check_row(self.spec, row.data, ctx, row_id=row.id)
                row.errors = result.errors or None  # the marks are kept even when refused
                if result.errors:
                    bad += 1
                    first_error = first_error or next(iter(result.errors.values()))
            have = set(
                session.scalars(select(Attachment.material).where(Attachment.list_id == plist.id))
            )
            missing = [
                m.name
                for m in self._policy().required_materials(self.spec.code)
                if m.name not in have
            ]
            if not rows:
                problem = f"{self.spec.list_name}为空，没有可提交的记录。"
            elif bad:
                problem = (
                    f"{self.spec.list_name}中有 {bad} 条记录有误，请修改后再提交"
                    f"（第一条：{first_error}）。"
                )
            elif missing:
                problem = "请先上传影像资料：" + "、".join(missing)
            else:
                return self._queue(session, plist, rows)
        raise BadInputError(problem)

    def _queue(self, session: Session, plist: PendingList, rows: list[PendingRow]) -> int:
        attachments = list(
            session.scalars(select(Attachment.id).where(Attachment.list_id == plist.id))
        )
        item = OutboxItem(
            unit_id=self.unit_id,
            business=self.spec.code,
            idempotency_key=uuid.uuid4().hex,
            list_id=plist.id,
            rows=[dict(r.data) for r in rows],
            attachment_ids=attachments,
            state=UploadState.QUEUED,
        )
        session.add(item)
        plist.state, plist.submitted_at = "submitted", utcnow()
        # The corrected rows of every 退回 taken back into this list go again: say so. (Each
        # reopen puts its rows into the open list, which is the one being submitted now.)
        session.execute(
            update(OutboxItem)
            .where(
                OutboxItem.unit_id == self.unit_id,
                OutboxItem.business == self.spec.code,
                OutboxItem.review_state == SubmissionState.REOPENED.value,
            )
            .values(review_state=SubmissionState.RESUBMITTED.value)
        )
        session.flush()
        audit.record(
            session,
            "submit",
            unit_id=self.unit_id,
            business=self.spec.code,
            outbox=item.id,
            rows=len(rows),
        )
        logger.info("queued %s submission %s with %d rows", self.spec.code, item.id, len(rows))
        return item.id

    def reopen(self, outbox_id: int) -> int:
        """Put a 退回 (or 失败) submission's rows back into the open list for correction.

        Of a list approved with single rows rejected, only those rows come back. The
        submission reads 已取回修改 until the corrected list is submitted (then 已重报).
        """
        with self.store.session() as session:
            item = session.get(OutboxItem, outbox_id)
            if item is None or item.unit_id != self.unit_id or item.business != self.spec.code:
                raise BadInputError("找不到该提交记录。")
            rejected = rejected_rows(item.review_result)
            state = states.current(item.state, item.review_state)
            if not states.can_reopen(state, bool(rejected)):
                raise BadInputError("只有被退回或上传失败的提交才能重新修改。")
            plist = self._locked(session)
            plist.reopened_from = item.id
            start = self._live_count(session, plist) + 1
            back = [
                values
                for index, values in enumerate(item.rows, 1)
                if state is not SubmissionState.APPROVED or index in rejected
            ]
            for position, values in enumerate(back, start=start):
                session.add(
                    PendingRow(
                        list_id=plist.id,
                        position=position,
                        data=values,
                        source=f"退回重报（提交 {item.id}）",
                    )
                )
            item.review_state = SubmissionState.REOPENED
            audit.record(
                session, "reopen", unit_id=self.unit_id, business=self.spec.code, outbox=item.id
            )
            list_id, documents = plist.id, list(item.attachment_ids or [])
        # The documents come along: the clerk removes or rescans only what must change.
        AttachmentService(self.store, self.unit_id).carry_over(documents, list_id)
        return list_id
