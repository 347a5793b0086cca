"""Window start, offscreen, until the event loop runs: gjj-desk beside a bare PySide6 window.

    .venv/bin/python bench/window_start_bench.py [--runs 5]

Each run is a whole new process (interpreter start included) that quits as soon as its event
loop runs (a 0 ms single-shot timer set before the window is built): `gjj-desk` on a data folder
made by one run beforehand (a returning clerk's start, not the first one), and a bare PySide6
main window holding a tree and a table. Prints the median wall time and peak memory (max RSS)
of each and the ratios. Target (issue 12): ≤ 2× and ≤ 120 MB. No assertions.
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

ROOT = Path(__file__).resolve().parent.parent

QUIT_WHEN_RUNNING = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
def running():  # once the event loop runs: note the moment, then quit
    print("EVENT_LOOP_AT", time.time(), flush=True)
    app.quit()
QTimer.singleShot(0, running)
"""

GJJ_DESK = (
    QUIT_WHEN_RUNNING
    + """
from app.__main__ import main
sys.argv = ["gjj-desk"]
raise SystemExit(main())
"""
)

BARE = (
    QUIT_WHEN_RUNNING
    + """
from PySide6.QtWidgets import QMainWindow, QSplitter, QTableWidget, QTreeWidget
window = QMainWindow()
splitter = QSplitter()
splitter.addWidget(QTreeWidget())
splitter.addWidget(QTableWidget(20, 8))
window.setCentralWidget(splitter)
window.show()
app.exec()
"""
)


def run_once(code: str, env: dict[str, str]) -> tuple[float, float, float]:
    """Seconds until the event loop ran, seconds until the process ended, peak MB."""
    started = time.time()
    child = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    ended = time.time()
    child.returncode = os.waitstatus_to_exitcode(status)
    marks = [line.split()[1] for line in output.splitlines() if line.startswith("EVENT_LOOP_AT")]
    if child.returncode != 0 or not marks:
        raise SystemExit(f"the start being measured failed (exit {child.returncode})")
    return float(marks[0]) - started, ended - started, usage.ru_maxrss / 1024


def median_of(code: str, env: dict[str, str], runs: int) -> tuple[float, float, float]:
    results = [run_once(code, env) for _ in range(runs)]
    return (
        statistics.median(r[0] for r in results),
        statistics.median(r[1] for r in results),
        statistics.median(r[2] for r in results),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="start-bench-") as tmp:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "GJJ_DESK_DATA_DIR": tmp}
        run_once(GJJ_DESK, env)  # the first start makes the database: not what is measured
        app_s, app_end, app_mb = median_of(GJJ_DESK, env, args.runs)
        bare_s, bare_end, bare_mb = median_of(BARE, env, args.runs)
    print(f"window start, offscreen (median of {args.runs}): event loop runs / process ended / RSS")
    print(f"  gjj-desk                  {app_s:6.2f} s  {app_end:6.2f} s  {app_mb:5.0f} MB")
    print(f"  bare PySide6 tree+table   {bare_s:6.2f} s  {bare_end:6.2f} s  {bare_mb:5.0f} MB")
    print(
        f"  ratio until the event loop runs: {app_s / bare_s:.1f}×; memory {app_mb / bare_mb:.1f}×"
        "  (target ≤ 2× and ≤ 120 MB)"
    )


if __name__ == "__main__":
    main()
