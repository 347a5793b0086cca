"""Command start: `gjj-desk --version` and `gjj-desk check-id …` beside a bare import.

    .venv/bin/python bench/command_start_bench.py [--runs 5]

Whole processes, median of `--runs`: the installed `gjj-desk` script beside
`python -c "import stdnum.cn.ric"` (what check-id needs at the least), and the ratios.
Targets (issue 12): --version ≤ 2×, check-id ≤ 3×. No assertions.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GJJ_DESK = str(Path(sys.executable).with_name("gjj-desk"))
AN_ID = "410203199001011230"


def median_time(command: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=env, check=False, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="command-bench-") as tmp:
        env = {**os.environ, "GJJ_DESK_DATA_DIR": tmp}
        bare = median_time([sys.executable, "-c", "import stdnum.cn.ric"], env, args.runs)
        version = median_time([GJJ_DESK, "--version"], env, args.runs)
        check = median_time([GJJ_DESK, "check-id", AN_ID], env, args.runs)
    print(f"command start, whole process (median of {args.runs})")
    print(f"  python -c 'import stdnum.cn.ric'  {bare:6.2f} s")
    print(f"  gjj-desk --version                {version:6.2f} s   {version / bare:5.1f}×  (≤ 2×)")
    print(f"  gjj-desk check-id {AN_ID[:4]}…        {check:6.2f} s   {check / bare:5.1f}×  (≤ 3×)")


if __name__ == "__main__":
    main()
