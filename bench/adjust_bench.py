"""缴存基数调整: export and re-import of 10,000 and 100,000 employees, each stage timed.

    .venv/bin/python bench/adjust_bench.py [--rows 10000 100000] [--repeat 3]

For each size, a unit whose roster holds that many people (tests/big_roster.py: seeded, one in
ten 封存) is exported; the edited file (every paying employee with a new 调整后缴存基数, written
as a clerk's program saves it) is read back. Printed, each beside its bare comparison:
  export    BaseChangeService.export  vs openpyxl write-only writing the same cells bare
  parse     read_table of the edited file (calamine + header matching + cell normalisation)
  check     parse + every row's rules (roster lookup, amounts, limits)
  store     the rows into the pending list (the engine's rules on each row, one transaction)
  review    the difference review of the stored list
  import    check + store, vs python-calamine's bare parse of the same file
Each figure is the median of --repeat runs (default 3 at 10,000 rows, 1 above), and each
ratio is taken against its comparison measured in the same run; the load average is printed
before and after (a shared machine). Targets (issue 11): export of 10,000 ≤ 1.5 × the bare
write; import of 10,000 ≤ 3 × the bare parse. No assertions.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import python_calamine as calamine
from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.models import Unit  # noqa: E402
from app.services.adjustments.export import HEADER_ROW, HEADERS  # noqa: E402
from app.services.adjustments.importer import TABLE  # noqa: E402
from app.services.adjustments.service import BaseChangeService  # noqa: E402
from app.services.policy import load_default  # noqa: E402
from app.services.spreadsheet.reader import read_table  # noqa: E402
from app.services.store import Store  # noqa: E402
from tests import big_roster  # noqa: E402

T = TypeVar("T")


RUNS = [1]  # runs per figure, set from --repeat


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """The median of RUNS[0] runs of `fn` (wall clock), and the last run's result."""
    wall, _, result = timed_cpu(fn)
    return wall, result


def timed_cpu(fn: Callable[[], T]) -> tuple[float, float, T]:
    """The median wall-clock and CPU seconds of RUNS[0] runs, and the last result.

    CPU time is what the load of a shared machine disturbs least (both sides are one thread).
    """
    walls, cpus = [], []
    for _ in range(RUNS[0]):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - started_cpu)
    return statistics.median(walls), statistics.median(cpus), result


def load() -> str:
    return "load average " + " ".join(f"{n:.1f}" for n in os.getloadavg())


def bare_write(path: Path, rows: list[list[Any]]) -> None:
    """openpyxl write-only, the same cells, no styles, no protection, no second sheet."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("缴存职工")
    for row in rows:
        sheet.append(row)
    book.save(path)


def edited(source: Path, target: Path) -> None:
    """The export as a clerk saves it back: every paying employee with a new base (+5 %)."""
    sheet = calamine.load_workbook(str(source)).get_sheet_by_name("缴存职工").to_python()
    book = Workbook(write_only=True)
    out = book.create_sheet("缴存职工")
    for index, row in enumerate(sheet, 1):
        cells = list(row)
        if index > HEADER_ROW and cells[3] != "":
            cells[7] = float(Decimal(str(cells[3])) * Decimal("1.05"))
        out.append(cells)
    book.save(target)


def run(rows: int, folder: Path) -> None:
    roster = big_roster.build(folder / f"store-{rows}.sqlite", count=rows)
    store = Store.open(roster.path)
    with store.session() as session:
        session.get_one(Unit, roster.unit_id).profile = {
            "unit_ratio": "0.12",
            "personal_ratio": "0.12",
            "paid_to": "2026-05",
        }
    policy = load_default()
    service = BaseChangeService(store, roster.unit_id, lambda: policy)
    exported = folder / f"export-{rows}.xlsx"
    export_s, export_cpu, result = timed_cpu(lambda: service.export(exported))
    cells = [["x"], ["y"], list(HEADERS)] + [
        [
            f"{n:08d}",
            "王伟",
            "410202199001011234",
            *(Decimal(v) for v in ("5000.00", "600", "600", "1200")),
            None,
            None,
        ]
        for n in range(result.count)
    ]
    bare_write_s, bare_write_cpu, _ = timed_cpu(
        lambda: bare_write(folder / f"bare-{rows}.xlsx", cells)
    )
    back = folder / f"edited-{rows}.xlsx"
    edited(exported, back)
    bare_parse_s, bare_parse_cpu, _ = timed_cpu(
        lambda: calamine.load_workbook(str(back)).get_sheet_by_name("缴存职工").to_python()
    )
    parse_s, _ = timed(lambda: read_table(back, TABLE))
    check_s, check_cpu, checked = timed_cpu(lambda: service.validate(back))
    # Each run replaces the list, as a second file does.
    store_s, store_cpu, _ = timed_cpu(lambda: service.import_checked(checked))
    review_s, review = timed(lambda: service.review())
    store.close()
    print(f"\n{rows:,} people in the roster, {result.count:,} paying (exported); {load()}")

    def line(stage: str, seconds: float, note: str, bare: float, target: str = "") -> None:
        ratio = seconds / bare
        print(f"  {stage:7s} {seconds:7.2f} s   {note:34s} {bare:6.2f} s  {ratio:5.1f}×{target}")

    line("export", export_s, "bare openpyxl write-only", bare_write_s, "  (≤ 1.5× at 10,000)")
    line("  CPU", export_cpu, "bare write-only, CPU", bare_write_cpu)
    line("parse", parse_s, "bare calamine parse", bare_parse_s)
    line("check", check_s, f"(parse + rules, {len(checked.rows):,} rows) vs bare", bare_parse_s)
    line("  rules", check_s - parse_s, "(check less parse) vs bare parse", bare_parse_s)
    line("store", store_s, "(rows into the 清册) vs bare parse", bare_parse_s)
    line("review", review_s, f"({review.changed:,} changed) vs bare parse", bare_parse_s)
    line("import", check_s + store_s, "bare calamine parse", bare_parse_s, "  (≤ 3× at 10,000)")
    line("  CPU", check_cpu + store_cpu, "bare calamine parse, CPU", bare_parse_cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (best is kept)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="adjust-bench-") as tmp:
        for rows in args.rows:
            RUNS[0] = args.repeat if rows <= 10_000 else 1
            run(rows, Path(tmp))


if __name__ == "__main__":
    main()
