"""缴存基数调整 as one service: export, validate, import into the list, the difference review."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from os import PathLike

from sqlalchemy import func, select

from app.errors import BadInputError
from app.models import PendingList, PendingRow, RosterPerson, Unit
from app.services.adjustments.export import ExportResult, export_employees
from app.services.adjustments.importer import AdjustmentImport, Progress, Stranger, read_adjustments
from app.services.adjustments.inforce import RatiosInForce, ratios_in_force
from app.services.adjustments.review import REVIEWED, DifferenceReview, Missing, build_review
from app.services.businesses import base_change
from app.services.engine.pending import PendingLists, roster_entries
from app.services.engine.spec import Roster, RowContext
from app.services.engine.states import ListState
from app.services.gc_pause import pauses_collector
from app.services.policy import CentrePolicy
from app.services.rules.yearmonth import YearMonth
from app.services.store import Store

PAYING = "正常"


class BaseChangeService:
    """One unit's 缴存基数调整; the pending list is the engine's (`pending`)."""

    def __init__(
        self,
        store: Store,
        unit_id: int,
        policy: Callable[[], CentrePolicy],
        today: Callable[[], date] = date.today,
    ) -> None:
        self.store, self.unit_id, self._policy, self._today = store, unit_id, policy, today
        self.pending = PendingLists(store, base_change.SPEC, unit_id, policy, today)
        # Who the last import found in the file but not in the roster (for the review).
        self.strangers: list[Stranger] = []

    def row_count(self) -> int:
        """How many people the open list holds: one COUNT, so the page may ask on the UI thread
        (reading 100,000 rows for their number froze the window for seconds)."""
        with self.store.session() as session:
            count = session.scalar(
                select(func.count())
                .select_from(PendingRow)
                .join(PendingList, PendingRow.list_id == PendingList.id)
                .where(
                    PendingList.unit_id == self.unit_id,
                    PendingList.business == base_change.SPEC.code,
                    PendingList.state == ListState.OPEN.value,
                    PendingRow.deleted_at.is_(None),
                )
            )
        return int(count or 0)

    def ratios(self) -> RatiosInForce:
        with self.store.session() as session:
            return ratios_in_force(session, self.unit_id)

    def default_month(self) -> YearMonth:
        """The reviewed ratio change's month, else the month after 缴至年月, else this month."""
        with self.store.session() as session:
            ratios = ratios_in_force(session, self.unit_id)
            profile = session.get_one(Unit, self.unit_id).profile or {}
        if ratios.effective_month is not None:
            return ratios.effective_month
        if profile.get("paid_to"):
            return YearMonth.parse(profile["paid_to"]).next()
        return YearMonth.today(self._today())

    def roster(self) -> Roster:
        """The roster by 个人账号, as plain columns (no ORM objects: 100,000 take seconds)."""
        with self.store.session() as session:
            return Roster(roster_entries(session, self.unit_id, by_account=True))

    def export(self, path: str | PathLike[str]) -> ExportResult:
        """缴存职工数据导出 of the unit's paying employees, ordered by 个人账号."""
        with self.store.session() as session:
            ratios = ratios_in_force(session, self.unit_id)
            name = session.get_one(Unit, self.unit_id).name
            # The people as a list: the export looks nobody up, so no Roster indexes.
            people = roster_entries(session, self.unit_id, by_account=True)
        if not people:
            raise BadInputError("本单位花名册为空：请先登录中心服务器同步花名册后再导出")
        return export_employees(path, people, ratios, self._policy(), name)

    @pauses_collector
    def validate(
        self,
        path: str | PathLike[str],
        month: YearMonth | None = None,
        *,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> AdjustmentImport:
        """Every row of the file checked; nothing stored."""
        return read_adjustments(
            path,
            self._import_context(),
            self.ratios(),
            self._policy(),
            month or self.default_month(),
            progress=progress,
            cancelled=cancelled,
        )

    def _import_context(self) -> RowContext:
        """The rules' context the file's rows are checked against: the list's own (one read of
        the roster), less its rows — a file replaces the list, so none of them is a duplicate."""
        return replace(self.pending.snapshot(), pending_keys={})

    def import_file(
        self,
        path: str | PathLike[str],
        month: YearMonth | None = None,
        *,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> AdjustmentImport:
        """Replace the open list by the file's rows; BadInputError (nothing kept) if any is bad."""
        return self.import_checked(
            self.validate(path, month, progress=progress, cancelled=cancelled)
        )

    @pauses_collector
    def import_checked(self, result: AdjustmentImport) -> AdjustmentImport:
        """Store what `validate` gave; BadInputError naming the first problem if there is one."""
        if result.problems:
            first = result.problems[0]
            where = f"第 {first.row} 行" + (f"“{first.column}”" if first.column else "")
            raise BadInputError(
                f"文件中有 {len(result.problems)} 处错误，未导入（{where}：{first.message}）"
            )
        source = f"{result.file.name} 导入"
        # The check's verdicts go with the rows: the store does not run the rules again while
        # their context is the one the rows were checked against (else it checks them afresh).
        # A new file replaces the list (a base change is the whole workforce at once), in the
        # same transaction: a failed import leaves the list as it was.
        self.pending.replace_all(
            ((row, source) for row in result.rows),
            checked=result.checks,
            checked_with=result.context,
        )
        self.strangers = list(result.strangers)
        return result

    def review(self, strangers: Sequence[Stranger] | None = None) -> DifferenceReview:
        """The difference review of the open list (the rows as last checked).

        Read as few objects as possible: the six values of every row in six JSON arrays (one
        result row: no per-row fetch handing the interpreter lock back and forth), and of the
        roster only the paying people the list leaves out. A full pass of the cycle collector
        walks every tracked object the worker made, holding the lock (the window stalled
        ~300 ms per pass at 100,000 rows built from RowViews, dicts and RosterEntries); lists
        of text and Decimals and an order of ints leave it next to nothing to walk (the rows
        are made when asked for: `ReviewRows`).
        """
        chosen = self.strangers if strangers is None else strangers
        list_id = self.pending.list_id()
        with self.store.session() as session:
            live = (
                select(
                    *(func.json_extract(PendingRow.data, f"$.{key}").label(key) for key in REVIEWED)
                )
                .where(PendingRow.list_id == list_id, PendingRow.deleted_at.is_(None))
                .order_by(PendingRow.position, PendingRow.id)
                .subquery()
            )
            arrays = session.execute(
                select(*(func.json_group_array(live.c[key]) for key in REVIEWED))
            ).one()
            listed = select(func.json_extract(PendingRow.data, "$.account_no")).where(
                PendingRow.list_id == list_id, PendingRow.deleted_at.is_(None)
            )
            missing = [
                Missing(account, name)
                for account, name in session.execute(
                    select(RosterPerson.account_no, RosterPerson.name)
                    .where(
                        RosterPerson.unit_id == self.unit_id,
                        RosterPerson.status == PAYING,
                        RosterPerson.account_no.not_in(listed),
                    )
                    .order_by(RosterPerson.account_no)
                )
            ]
        columns = [json.loads(array) for array in arrays]
        return build_review(columns, missing, chosen)
