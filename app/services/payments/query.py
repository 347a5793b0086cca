"""核定查询: this unit's 汇缴 and 补缴 submissions, one line each — month(s), kind, amount,
state, the reviewer's reason — with 重新修改 and the printable 核定单."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from app.errors import BadInputError
from app.models import OutboxItem
from app.services.businesses import remittance
from app.services.businesses.back_payment import BackPaymentLists
from app.services.engine import states
from app.services.engine.history import rejected_rows
from app.services.engine.pending import PendingLists
from app.services.engine.states import SubmissionState
from app.services.payments.document import AssessmentDocument, build_document
from app.services.policy import CentrePolicy
from app.services.rules.yearmonth import YearMonth
from app.services.store import Store

BUSINESSES = ("remittance", "back-payment")
KIND_NAMES = {"remittance": "汇缴核定", "back-payment": "补缴核定"}


@dataclass(frozen=True)
class AssessmentRecord:
    outbox_id: int
    business: str
    first: YearMonth | None
    last: YearMonth | None
    people: int
    amount: Decimal  # 月缴存额 (汇缴) or 补缴金额, summed over the people
    assessed_total: Decimal | None  # 汇缴, once approved: after the 暂存款
    state: SubmissionState
    reason: str
    submitted_at: datetime
    rejected_rows: int = 0

    @property
    def kind(self) -> str:
        return KIND_NAMES[self.business]

    @property
    def months(self) -> str:
        if self.first is None or self.last is None:
            return ""
        return str(self.first) if self.first == self.last else f"{self.first} 至 {self.last}"

    @property
    def can_reopen(self) -> bool:
        return states.can_reopen(self.state, self.rejected_rows > 0)


def _months(business: str, rows: list[dict[str, object]]) -> tuple[YearMonth | None, ...]:
    keys = ("month", "month") if business == "remittance" else ("start_month", "end_month")
    try:
        firsts = [YearMonth.parse(str(r[keys[0]])) for r in rows]
        lasts = [YearMonth.parse(str(r[keys[1]])) for r in rows]
    except (KeyError, BadInputError):
        return None, None
    return (min(firsts), max(lasts)) if firsts else (None, None)


def _amount(rows: list[dict[str, object]]) -> Decimal:
    total = Decimal("0.00")
    for row in rows:
        try:
            total += Decimal(str(row.get("amount") or 0))
        except InvalidOperation:
            continue
    return total


def record_of(item: OutboxItem) -> AssessmentRecord:
    first, last = _months(item.business, item.rows or [])
    result = item.review_result or {}
    state = states.current(item.state, item.review_state)
    assessed = result.get("assessed_total")
    return AssessmentRecord(
        outbox_id=item.id,
        business=item.business,
        first=first,
        last=last,
        people=len(item.rows or []),
        amount=_amount(item.rows or []),
        assessed_total=Decimal(str(assessed)) if assessed is not None else None,
        state=state,
        reason=item.review_reason
        or (item.last_error or "" if state is SubmissionState.FAILED else ""),
        submitted_at=item.created_at,
        rejected_rows=len(rejected_rows(item.review_result)),
    )


class AssessmentQuery:
    """核定查询 of one unit."""

    def __init__(
        self,
        store: Store,
        unit_id: int,
        policy: Callable[[], CentrePolicy],
        *,
        unit_code: str,
        unit_name: str,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.store = store
        self.unit_id = unit_id
        self._policy = policy
        self.unit_code, self.unit_name = unit_code, unit_name
        self._today = today

    def records(
        self,
        *,
        business: str | None = None,
        since: YearMonth | None = None,
        until: YearMonth | None = None,
        state: str | None = None,
    ) -> list[AssessmentRecord]:
        """Newest first; a record is kept when its months meet [since, until]."""
        wanted = (business,) if business else BUSINESSES
        with self.store.session() as session:
            items = list(
                session.scalars(
                    select(OutboxItem)
                    .where(OutboxItem.unit_id == self.unit_id, OutboxItem.business.in_(wanted))
                    .order_by(OutboxItem.id.desc())
                )
            )
        found = []
        for record in map(record_of, items):
            if since is not None and record.last is not None and record.last < since:
                continue
            if until is not None and record.first is not None and record.first > until:
                continue
            if state and record.state.label != state:
                continue
            found.append(record)
        return found

    def reopen(self, record: AssessmentRecord) -> str:
        """重新修改: the submission's rows back into their list; the list's name."""
        lists: PendingLists = (
            BackPaymentLists(self.store, self.unit_id, self._policy, self._today)
            if record.business == "back-payment"
            else PendingLists(self.store, remittance.SPEC, self.unit_id, self._policy, self._today)
        )
        lists.reopen(record.outbox_id)
        return lists.spec.list_name

    def document(self, record: AssessmentRecord) -> AssessmentDocument:
        """The 核定单 (汇缴) or 补缴清单 of the record, to print."""
        return build_document(
            self.store,
            self.unit_id,
            record.business,
            record.outbox_id,
            centre_name=self._policy().centre_name,
            unit_code=self.unit_code,
            unit_name=self.unit_name,
            today=self._today(),
        )
