"""查询 pages' centre side: the unit's records as the centre holds them, from any PC.

This PC's own submissions (`history.py`) are only part of the unit's work; the centre knows it
all. A `RecordKind` says what one 查询 page shows: 开户查询 the unit's openings (`/openings`),
封存启封查询 / 内部转移查询 / … the rows of those businesses' submissions (`/records`) with
their state, reason and the reviewer's reason. Records are fetched on demand (online only),
marked when this PC sent them (a 退回 row of this PC can be 重新修改), and exported to .xlsx.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select

from app.errors import Cancelled
from app.models import OutboxItem
from app.services.api.models import OpeningsPage
from app.services.api.records import CentreRow, CentreRowsPage
from app.services.engine.states import SubmissionState
from app.services.spreadsheet.spec import ColumnSpec, TableSpec
from app.services.spreadsheet.writer import write_rows
from app.services.store import Store

PAGE_SIZE = 500
MAX_PAGES = 10_000  # a guard: the server's pages always end
REJECTED = SubmissionState.REJECTED.value


class RecordsSource(Protocol):
    def openings(self, page: int = 1, *, page_size: int = 200) -> OpeningsPage: ...

    def records(
        self, businesses: Sequence[str], page: int = 1, *, page_size: int = 200
    ) -> CentreRowsPage: ...


OpeningsSource = RecordsSource  # the name 开户查询 knew it by


@dataclass(frozen=True)
class CentreRecord:
    """One record as the 中心记录 table, its detail view and the export show it."""

    values: dict[str, str]  # column key → text
    from_this_pc: bool
    export: TableSpec
    business: str = "open-account"
    outbox_id: int | None = None  # this PC's submission holding the row, when it is ours
    state: str = ""

    def __getitem__(self, key: str) -> str:
        return self.values.get(key, "")

    @property
    def source(self) -> str:
        return "本机提交" if self.from_this_pc else "其他途径"

    @property
    def reopenable(self) -> bool:
        """A row the centre sent back that this PC submitted: 重新修改 brings it back."""
        return self.state == REJECTED and self.outbox_id is not None

    def fields(self) -> list[tuple[str, str]]:
        """(label, text) of every field, in the order the detail view lists them."""
        return [
            (c.header, self.source if c.key == "source" else self[c.key])
            for c in self.export.columns
        ]


def _money(text: str) -> str:
    return f"{Decimal(text):.2f}"


OPENINGS_EXPORT = TableSpec(
    name="开户中心记录",
    sheet_title="开户中心记录",
    columns=(
        ColumnSpec("opened_on", "开户日期", width=12),
        ColumnSpec("account_no", "个人账号", width=16),
        ColumnSpec("name", "姓名", width=10),
        ColumnSpec("id_number_masked", "证件号码", width=22),
        ColumnSpec("base", "缴存基数", width=12),
        ColumnSpec("monthly_amount", "月缴存额", width=12),
        ColumnSpec("status", "状态", width=8),
        ColumnSpec("source", "来源", width=10),
    ),
)
EXPORT = OPENINGS_EXPORT


def rows_export(title: str) -> TableSpec:
    """The columns of a business's rows as the centre records them."""
    return TableSpec(
        name=f"{title}中心记录",
        sheet_title=f"{title}中心记录",
        columns=(
            ColumnSpec("submitted_at", "提交日期", width=12),
            ColumnSpec("business_name", "业务", width=14),
            ColumnSpec("name", "姓名", width=10),
            ColumnSpec("account_no", "个人账号", width=16),
            ColumnSpec("id_number_masked", "证件号码", width=22),
            ColumnSpec("month", "年月", width=10),
            ColumnSpec("reason", "原因", width=18),
            ColumnSpec("details", "其他", width=28),
            ColumnSpec("state", "状态", width=8),
            ColumnSpec("review_reason", "退回原因", width=24),
            ColumnSpec("source", "来源", width=10),
        ),
    )


@dataclass(frozen=True)
class RecordKind:
    """What one 查询 page's 中心记录 tab lists: a title and the businesses (none: openings)."""

    title: str  # 开户 / 封存启封 / 内部转移
    businesses: tuple[str, ...] = ()
    export: TableSpec = field(default=OPENINGS_EXPORT)

    @classmethod
    def rows_of(cls, title: str, businesses: Sequence[str]) -> RecordKind:
        return cls(title, tuple(businesses), rows_export(title))


OPENINGS = RecordKind("开户")


class CentreRecords:
    """The unit's records at the centre of one kind, marked by whether this PC sent them."""

    def __init__(
        self,
        store: Store,
        unit_id: int,
        client: Callable[[], AbstractContextManager[RecordsSource]],
        kind: RecordKind = OPENINGS,
    ) -> None:
        self.store = store
        self.unit_id = unit_id
        self.client = client
        self.kind = kind

    def fetch(self, cancelled: Callable[[], bool] | None = None) -> list[CentreRecord]:
        """Every record, newest first (KnownError when offline or logged out)."""
        records: list[CentreRecord] = []
        convert = self._converter()
        with self.client() as api:
            for number in range(1, MAX_PAGES + 1):
                if cancelled is not None and cancelled():
                    raise Cancelled("已取消读取中心记录。")
                items, has_more = self._page(api, number)
                records.extend(convert(item) for item in items)
                if not has_more:
                    break
        return records

    def _page(self, api: RecordsSource, number: int) -> tuple[list[Any], bool]:
        if self.kind.businesses:
            rows = api.records(self.kind.businesses, number, page_size=PAGE_SIZE)
            return list(rows.items), rows.has_more
        page = api.openings(number, page_size=PAGE_SIZE)
        return list(page.items), page.has_more

    def _converter(self) -> Callable[[Any], CentreRecord]:
        if not self.kind.businesses:
            ours = self._accounts_from_this_pc()
            return lambda o: CentreRecord(
                values={
                    "opened_on": o.opened_on,
                    "account_no": o.account_no,
                    "name": o.name,
                    "id_number_masked": o.id_number_masked,
                    "base": _money(o.base),
                    "monthly_amount": _money(o.monthly_amount),
                    "status": o.status,
                },
                from_this_pc=o.account_no in ours,
                export=self.kind.export,
            )
        sent = self._submissions_from_this_pc()
        return lambda row: _row_record(row, sent.get(str(row.submission_id)), self.kind.export)

    def _submissions_from_this_pc(self) -> dict[str, int]:
        """The centre's submission id → this PC's outbox id, for these businesses."""
        with self.store.session() as session:
            found = session.execute(
                select(OutboxItem.server_id, OutboxItem.id).where(
                    OutboxItem.unit_id == self.unit_id,
                    OutboxItem.business.in_(self.kind.businesses),
                    OutboxItem.server_id.is_not(None),
                )
            )
            return {str(server_id): int(outbox_id) for server_id, outbox_id in found}

    def _accounts_from_this_pc(self) -> set[str]:
        with self.store.session() as session:
            results = session.scalars(
                select(OutboxItem.review_result).where(
                    OutboxItem.unit_id == self.unit_id,
                    OutboxItem.business == "open-account",
                    OutboxItem.review_result.is_not(None),
                )
            )
            return {
                str(account.get("account_no"))
                for result in results
                for account in (result or {}).get("accounts", [])
                if isinstance(account, dict) and account.get("account_no")
            }


def _row_record(row: CentreRow, outbox_id: int | None, export: TableSpec) -> CentreRecord:
    details = "；".join(f"{label} {value}" for label, value in row.details.items())
    return CentreRecord(
        values={
            "submitted_at": row.submitted_at[:10],
            "business_name": row.business_name,
            "name": row.name,
            "account_no": row.account_no,
            "id_number_masked": row.id_number_masked,
            "month": row.month,
            "reason": row.reason,
            "details": details,
            "state": row.state,
            "review_reason": row.review_reason or "",
        },
        from_this_pc=outbox_id is not None,
        export=export,
        business=row.business,
        outbox_id=outbox_id,
        state=row.state,
    )


def export(records: Iterable[CentreRecord], path: Path, spec: TableSpec = OPENINGS_EXPORT) -> Path:
    """The records as an .xlsx the clerk can file or print."""
    return write_rows(
        path, spec, ({c.key: r.fields()[i][1] for i, c in enumerate(spec.columns)} for r in records)
    )
