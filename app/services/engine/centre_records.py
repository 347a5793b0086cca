"""开户查询's centre side: every opening of the unit as the centre records it, from any PC.

This PC's own submissions (`history.py`) are only part of the unit's openings; the centre
knows them all. They are fetched on demand (online only), marked when this PC submitted
them (by the 个人账号 an approval gave back), and exported to .xlsx for the unit's files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from sqlalchemy import select

from app.errors import Cancelled
from app.models import OutboxItem
from app.services.api.models import OpeningsPage
from app.services.spreadsheet.spec import ColumnSpec, TableSpec
from app.services.spreadsheet.writer import write_rows
from app.services.store import Store

PAGE_SIZE = 500
MAX_PAGES = 10_000  # a guard: the server's pages always end


class OpeningsSource(Protocol):
    def openings(self, page: int = 1, *, page_size: int = 200) -> OpeningsPage: ...


@dataclass(frozen=True)
class CentreRecord:
    """One opening as the 中心记录 table and its detail view show it."""

    opened_on: date
    account_no: str
    name: str
    id_number_masked: str
    base: Decimal
    monthly_amount: Decimal
    status: str  # 正常 / 封存 / 销户
    from_this_pc: bool

    @property
    def source(self) -> str:
        return "本机提交" if self.from_this_pc else "其他途径"

    def fields(self) -> list[tuple[str, str]]:
        """(label, text) of every field, in the order the detail view lists them."""
        return [(column.header, _text(getattr(self, column.key))) for column in EXPORT.columns]


def _text(value: object) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


EXPORT = TableSpec(
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


class CentreRecords:
    """The unit's openings at the centre, marked by whether this PC submitted them."""

    def __init__(
        self,
        store: Store,
        unit_id: int,
        client: Callable[[], AbstractContextManager[OpeningsSource]],
    ) -> None:
        self.store = store
        self.unit_id = unit_id
        self.client = client

    def fetch(self, cancelled: Callable[[], bool] | None = None) -> list[CentreRecord]:
        """Every opening, newest first (KnownError when offline or logged out)."""
        ours = self._accounts_from_this_pc()
        records: list[CentreRecord] = []
        with self.client() as api:
            for number in range(1, MAX_PAGES + 1):
                if cancelled is not None and cancelled():
                    raise Cancelled("已取消读取中心记录。")
                page = api.openings(number, page_size=PAGE_SIZE)
                records.extend(
                    CentreRecord(
                        opened_on=date.fromisoformat(o.opened_on),
                        account_no=o.account_no,
                        name=o.name,
                        id_number_masked=o.id_number_masked,
                        base=Decimal(o.base),
                        monthly_amount=Decimal(o.monthly_amount),
                        status=o.status,
                        from_this_pc=o.account_no in ours,
                    )
                    for o in page.items
                )
                if not page.has_more:
                    break
        return records

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


def export(records: Iterable[CentreRecord], path: Path) -> Path:
    """The records as an .xlsx the clerk can file or print."""
    return write_rows(
        path, EXPORT, ({c.key: _text(getattr(r, c.key)) for c in EXPORT.columns} for r in records)
    )
