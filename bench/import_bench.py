"""个人开户（批量） import of 10,000 and 100,000 rows: parse, validate, store, each timed.

    .venv/bin/python bench/import_bench.py [--rows 10000 100000] [--repeat 3] [--no-memory]

Writes template-shaped .xlsx files of realistic rows (valid resident IDs with computed check
digits, Kaifeng region codes, seeded) into a temp folder, then for each prints the time and the
peak Python memory (tracemalloc, a separate run: tracing slows the code) of
  parse     read_table (python-calamine + header matching + cell normalisation)
  validate  the engine's check_row on every row, plus duplicates within the file
  store     import_rows: the rows as checked (no second check while the rules' context is
            unchanged; duplicates looked at again), inserted in one transaction
beside the bare parse of the same file by openpyxl in read-only mode and by python-calamine,
each with its ratio to calamine's bare parse, in wall-clock seconds and in this process's CPU
seconds (on a shared machine the CPU ratio is the steadier one; a stage that waits shows it as
wall time above its CPU time). Every figure is the median of --repeat runs (default 5 at
10,000 rows, 1 above; a best-of hid the runs a full pass of the cycle collector lengthened);
the load average is printed before and after. Targets (issue 12): 10,000 rows end to end
≤ 0.5 s, on the way to 3× calamine. No assertions.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import python_calamine as calamine
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.models import Unit  # noqa: E402
from app.services import batch_import  # noqa: E402
from app.services.businesses import SPECS  # noqa: E402
from app.services.context import AppServices  # noqa: E402
from app.services.engine.pending import PendingLists  # noqa: E402
from app.services.engine.table import table_spec  # noqa: E402
from app.services.policy import load_default  # noqa: E402
from app.services.spreadsheet import write_rows  # noqa: E402

SPEC = SPECS["open-account"]
TODAY = date(2026, 11, 26)
REGIONS = ("410202", "410203", "410204", "410205", "410211", "410212", "410221", "410222")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰海燕鹏飞"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def check_digit(first17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def people(count: int, seed: int = 4) -> list[dict[str, str]]:
    """`count` distinct new hires as a clerk would type them."""
    rng = random.Random(seed)
    seen: set[str] = set()
    rows: list[dict[str, str]] = []
    while len(rows) < count:
        birth = date(1965, 1, 1) + timedelta(days=rng.randrange(365 * 40))
        first17 = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
        if first17 in seen:
            continue
        seen.add(first17)
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
        hired = TODAY - timedelta(days=rng.randrange(1, 200))
        rows.append(
            {
                "name": name,
                "id_type": "居民身份证",
                "id_number": first17 + check_digit(first17),
                "mobile": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                "base": f"{rng.randrange(1900, 18900)}.{rng.randrange(100):02d}",
                "hire_date": hired.isoformat(),
                "education": rng.choice(("大学本科", "大学专科", "硕士研究生", "高中")),
            }
        )
    return rows


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def _peak(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def bare_openpyxl(path: Path) -> int:
    workbook = load_workbook(path, read_only=True)
    count = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    return count


def median(runs: int, fn: Callable[[], Any]) -> float:
    """The median of `runs` timed calls of `fn`."""
    return statistics.median(_timed(fn)[1] for _ in range(runs))


def median_stages(runs: int, fn: Callable[[], dict[str, float]]) -> dict[str, float]:
    """Per stage, the median of `runs` runs of the pipeline."""
    found = [fn() for _ in range(runs)]
    return {stage: statistics.median(run[stage] for run in found) for stage in found[0]}


def bare_calamine(path: Path) -> int:
    workbook = calamine.CalamineWorkbook.from_path(str(path))
    return sum(1 for _ in workbook.get_sheet_by_index(0).iter_rows())


def fresh_pending(folder: Path) -> tuple[AppServices, PendingLists]:
    services = AppServices.open(folder / "bench.sqlite")
    unit = services.units.add("100001", "开封市示范机械厂")
    with services.store.session() as session:
        session.get_one(Unit, unit.id).profile = {"unit_ratio": "0.12", "personal_ratio": "0.12"}
    policy = load_default()
    return services, PendingLists(
        services.store, SPEC, unit.id, lambda: policy, today=lambda: TODAY
    )


def run_pipeline(path: Path, folder: Path) -> dict[str, float]:
    """parse / validate / store seconds, split at the first CHECKING progress report; wall
    clock, and this process's CPU time under "cpu " + stage (the machine is shared: CPU time is
    what the import itself spent, the wall clock also the time others took the cores)."""
    services, pending = fresh_pending(folder)
    try:
        marks: dict[str, tuple[float, float]] = {}

        def progress(_done: int, _total: int | None, stage: str) -> None:
            marks.setdefault(stage, (time.perf_counter(), time.process_time()))

        started = (time.perf_counter(), time.process_time())
        check = batch_import.validate_file(path, SPEC, pending, progress=progress)
        validated = (time.perf_counter(), time.process_time())
        bad = len(check.bad_rows)
        if bad:
            print(f"  ! {bad} bad rows, first: {check.problems[0]}")
        batch_import.import_rows(check, pending, valid_only=True)
        stored = (time.perf_counter(), time.process_time())
        parsed = marks.get(batch_import.CHECKING, validated)
        found: dict[str, float] = {}
        for clock, prefix in ((0, ""), (1, "cpu ")):
            found[prefix + "parse"] = parsed[clock] - started[clock]
            found[prefix + "validate"] = validated[clock] - parsed[clock]
            found[prefix + "store"] = stored[clock] - validated[clock]
        return found
    finally:
        services.close()


def _cpu(fn: Callable[[], Any]) -> float:
    started = time.process_time()
    fn()
    return time.process_time() - started


def memory(path: Path, folder: Path) -> dict[str, float]:
    """Peak traced memory of each stage, measured one stage at a time."""
    services, pending = fresh_pending(folder)
    try:
        table = table_spec(SPEC, load_default())
        from app.services.spreadsheet import read_table

        peaks = {"parse": _peak(lambda: read_table(path, table))}
        holder: dict[str, Any] = {}

        def validate() -> None:
            holder["check"] = batch_import.validate_file(path, SPEC, pending)

        peaks["validate"] = _peak(validate)  # parse included: validate needs the rows
        peaks["store"] = _peak(
            lambda: batch_import.import_rows(holder["check"], pending, valid_only=True)
        )
        return peaks
    finally:
        services.close()


def measure(count: int, folder: Path, runs: int, with_memory: bool) -> list[tuple[str, ...]]:
    """The table's lines for one file of `count` rows."""
    path = folder / f"身份证批量开户-{count}.xlsx"
    started = time.perf_counter()
    write_rows(path, table_spec(SPEC, load_default()), people(count))
    made = time.perf_counter() - started
    print(f"made {path.name} ({path.stat().st_size / 2**20:.1f} MB) in {made:.1f} s")
    openpyxl_s = median(runs, partial(bare_openpyxl, path))
    calamine_s = median(runs, partial(bare_calamine, path))
    calamine_cpu = statistics.median(_cpu(partial(bare_calamine, path)) for _ in range(runs))
    serial = iter(range(runs))
    folders = (folder / f"time-{count}-{next(serial)}" for _ in range(runs))
    stages = median_stages(runs, lambda: run_pipeline(path, next(folders)))
    peaks = memory(path, folder / f"mem-{count}") if with_memory else {}

    def line(stage: str, seconds: float, cpu: float | None, peak: str = "-") -> tuple[str, ...]:
        cpu_cells = ("-", "-") if cpu is None else (f"{cpu:.2f}", f"{cpu / calamine_cpu:.1f}×")
        return (
            f"{count:,}",
            stage,
            f"{seconds:.2f}",
            f"{seconds / calamine_s:.1f}×",
            *cpu_cells,
            peak,
        )

    names = [stage for stage in stages if not stage.startswith("cpu ")]
    lines = [
        line(
            stage,
            stages[stage],
            stages["cpu " + stage],
            f"{peaks[stage]:.0f}" if stage in peaks else "-",
        )
        for stage in names
    ]
    target = f"(target ≤ {0.5 * count / 10_000:g} s)"
    total_cpu = sum(stages["cpu " + stage] for stage in names)
    lines.append(line("end to end", sum(stages[stage] for stage in names), total_cpu, target))
    lines.append(line("bare openpyxl read-only", openpyxl_s, None))
    lines.append(line("bare calamine", calamine_s, calamine_cpu))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (the median)")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc runs")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
        header = ("rows", "stage", "seconds", "× calamine", "cpu s", "cpu × calamine", "peak MB")
        lines: list[tuple[str, ...]] = []
        for count in args.rows:
            runs = args.repeat if count <= 10_000 else 1
            lines += measure(count, Path(tmp), runs, not args.no_memory)
        widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
        print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
        print("  ".join("-" * w for w in widths))
        for row in lines:
            print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
