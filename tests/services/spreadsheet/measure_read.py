"""Not a test: time read_table on generated 10,000- and 100,000-row files (kept in /tmp).

    .venv/bin/python tests/services/spreadsheet/measure_read.py [--rows 100000]

Prints, per file, the bare calamine parse (open, load the sheet, iterate the rows) beside
read_table (the same plus header matching and cell normalisation), best of three runs.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path

import python_calamine as calamine
from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from app.services.spreadsheet import ColumnKind, ColumnSpec, TableSpec, read_table  # noqa: E402

HEADER = ["序号", "姓名", "证件类型", "证件号码", "性别", "出生日期", "手机号码", "缴存基数"]
HEADER += ["单位缴存比例", "个人缴存比例", "起缴日期", "备注"]
SPEC = TableSpec(
    "measure",
    (
        ColumnSpec("name", "姓名", required=True),
        ColumnSpec("id_type", "证件类型", kind=ColumnKind.CHOICE),
        ColumnSpec("id_number", "证件号码", required=True),
        ColumnSpec("sex", "性别", kind=ColumnKind.CHOICE),
        ColumnSpec("birth", "出生日期", kind=ColumnKind.DATE),
        ColumnSpec("mobile", "手机号码"),
        ColumnSpec("base", "缴存基数", kind=ColumnKind.MONEY, required=True),
        ColumnSpec("unit_ratio", "单位缴存比例", kind=ColumnKind.RATIO),
        ColumnSpec("ratio", "个人缴存比例", kind=ColumnKind.RATIO),
        ColumnSpec("start", "起缴日期", kind=ColumnKind.DATE),
        ColumnSpec("note", "备注"),
    ),
)


def row(index: int) -> list[object]:
    return [
        index + 1,
        f"职工{index}",
        "身份证",
        f"41020319900101{index % 10000:04d}",
        "男" if index % 2 else "女",
        date(1990, 1, 1 + index % 28),
        f"138{index:08d}",
        5000 + index % 300 + 0.5,
        0.12,
        0.12,
        date(2024, 1, 1),
        "",
    ]


def make_files(folder: Path, rows: int) -> tuple[Path, Path]:
    xlsx, text = folder / f"measure_{rows}.xlsx", folder / f"measure_{rows}.csv"
    if not xlsx.exists():
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("名单")
        sheet.append(HEADER)
        for index in range(rows):
            sheet.append(row(index))
        workbook.save(xlsx)
    if not text.exists():
        with text.open("w", encoding="gbk", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            writer.writerows(row(index) for index in range(rows))
    return xlsx, text


def best_of(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def bare_calamine(path: Path) -> int:
    sheet = calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    return sum(1 for _ in sheet.iter_rows())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    for rows in args.rows:
        xlsx, text = make_files(args.folder, rows)
        result = read_table(xlsx, SPEC)
        assert len(result.rows) == rows, len(result.rows)
        bare = best_of(3, partial(bare_calamine, xlsx))
        full = best_of(3, partial(read_table, xlsx, SPEC))
        csv_time = best_of(3, partial(read_table, text, SPEC))
        size = xlsx.stat().st_size / 1e6
        print(
            f"{rows:>7} rows x {len(HEADER)} cols ({size:.1f} MB xlsx): "
            f"calamine bare {bare:.2f} s, read_table xlsx {full:.2f} s, "
            f"read_table GBK csv {csv_time:.2f} s"
        )


if __name__ == "__main__":
    main()
