"""The 汇缴核定 people list as .xlsx, so every figure can be checked person by person."""

from __future__ import annotations

from os import PathLike
from pathlib import Path

from app.services.payments.remittance import RemittanceFigures
from app.services.spreadsheet.spec import ColumnSpec, TableSpec
from app.services.spreadsheet.writer import write_rows

PEOPLE_TABLE = TableSpec(
    name="汇缴核定明细",
    sheet_title="汇缴核定明细",
    columns=(
        ColumnSpec("month", "核定月份", width=10),
        ColumnSpec("account_no", "个人账号", width=16),
        ColumnSpec("name", "姓名", width=10),
        ColumnSpec("base", "缴存基数", width=12),
        ColumnSpec("amount", "本月月缴存额", width=14),
        ColumnSpec("last", "上月月缴存额", width=14),
        ColumnSpec("change", "变动", width=14),
    ),
)


def people_records(figures: RemittanceFigures) -> list[dict[str, str]]:
    """One record per person who pays this month or paid last month (the 减少 at the end)."""
    records = [
        {
            "month": str(figures.month),
            "account_no": p.account_no,
            "name": p.name,
            "base": "" if p.base is None else f"{p.base:.2f}",
            "amount": f"{p.amount:.2f}",
            "last": "" if p.last is None else f"{p.last:.2f}",
            "change": f"增加（{p.change}）" if p.change else "",
        }
        for p in figures.people
    ]
    records += [
        {
            "month": str(figures.month),
            "account_no": p.account_no,
            "name": p.name,
            "base": "",
            "amount": "",
            "last": f"{p.amount:.2f}",
            "change": f"减少（{p.reason}）",
        }
        for p in figures.leaving
    ]
    return records


def export_people(figures: RemittanceFigures, path: str | PathLike[str]) -> Path:
    """Write the itemised list; the totals are the sums of its columns."""
    return write_rows(path, PEOPLE_TABLE, people_records(figures))
