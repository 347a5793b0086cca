"""Window start, offscreen, until the event loop runs: gjj-desk beside a bare PySide6 window.

    .venv/bin/python bench/window_start_bench.py [--runs 5]

Each run is a whole new process (interpreter start included): `gjj-desk` on a data folder made
by one run beforehand (a returning clerk's start, not the first one), and a bare PySide6 main
window holding a tree and a table. The moment measured is when the event loop runs (a 0 ms
single-shot timer set before the window is built fires) and the window has been painted once
(the first Paint event of any widget), whichever comes last. gjj-desk shows
its window first and fills it in afterwards (app/views/window_start.py): the moment its home
page and status bar show the unit (`first_screen`, read without SQLAlchemy) is printed, and the
process goes on until the window says `filled` (the store open, the pages, the session and the
sync connected). The peak memory (max RSS) is the whole process's, fill included. The data
folder holds one unit, as a returning clerk's does (`gjj-desk unit add`). The modules' compiled
bytecode is cached as in an installed copy: a PYTHONDONTWRITEBYTECODE in the caller's
environment is dropped for the runs (with it, every start compiles the app's own modules from
source again: 0.29 s of the store's opening alone, in a profile here). Prints the medians and
the ratios. Target (issue 12): ≤ 2× and ≤ 120 MB. No assertions.
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

NOTE_WHEN_RUNNING = """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
state = {"filled": True}
class FirstPaint(QObject):  # the first paint of any widget: the window is really on screen
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print("PAINTED_AT", time.time(), flush=True)
            app.removeEventFilter(self)
            QTimer.singleShot(0, lambda: done("painted"))
        return False
first_paint = FirstPaint()
app.installEventFilter(first_paint)
def running():  # the event loop runs: note the moment; quit when painted and filled in
    print("EVENT_LOOP_AT", time.time(), flush=True)
    shown = [w for w in app.topLevelWidgets() if w.isVisible() and hasattr(w, "filled")]
    if shown:
        state["filled"] = False
        shown[0].filled.connect(filled)
        if hasattr(shown[0], "first_screen"):  # the home page and the status bar show the unit
            shown[0].first_screen.connect(lambda: print("FIRST_AT", time.time(), flush=True))
    done("running")
def filled():
    print("FILLED_AT", time.time(), flush=True)
    done("filled")
def done(what):
    state[what] = True
    if state.get("running") and state.get("painted") and state["filled"]:
        app.quit()
QTimer.singleShot(0, running)
"""

GJJ_DESK = (
    NOTE_WHEN_RUNNING
    + """
from app.__main__ import main
sys.argv = ["gjj-desk"]
raise SystemExit(main())
"""
)

BARE = (
    NOTE_WHEN_RUNNING
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


def run_once(code: str, env: dict[str, str]) -> tuple[float, float, float, float, float]:
    """Seconds until the event loop ran with the window shown, until the home page and the
    status bar showed the unit, until it was filled in (both the same as shown for the bare
    window), until the process ended; peak MB."""
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
    wanted = ("EVENT_LOOP_AT ", "PAINTED_AT ", "FIRST_AT ", "FILLED_AT ")
    marks = dict(line.split()[:2] for line in output.splitlines() if line.startswith(wanted))
    if child.returncode != 0 or "PAINTED_AT" not in marks:
        raise SystemExit(f"the start being measured failed (exit {child.returncode})")
    # Shown: the event loop runs and the window has been painted once, whichever came last.
    shown = max(float(marks["EVENT_LOOP_AT"]), float(marks["PAINTED_AT"]))
    filled = float(marks.get("FILLED_AT", shown))
    first = float(marks.get("FIRST_AT", filled))  # a window without a first screen: filled
    first = max(first, shown)
    peak_mb = usage.ru_maxrss / 1024
    return shown - started, first - started, filled - started, ended - started, peak_mb


def median_of(code: str, env: dict[str, str], runs: int) -> tuple[float, ...]:
    results = [run_once(code, env) for _ in range(runs)]
    return tuple(statistics.median(r[i] for r in results) for i in range(5))


def add_unit(env: dict[str, str]) -> None:
    """A returning clerk's data folder: the database made by a first start, and one unit."""
    run_once(GJJ_DESK, env)
    command = "from app.__main__ import main; raise SystemExit(main())"
    subprocess.run(
        [sys.executable, "-c", command, "unit", "add", "41020001", "开封市示范机械厂"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="start-bench-") as tmp:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "GJJ_DESK_DATA_DIR": tmp}
        # No keyring daemon on these machines: the null backend, as in the tests.
        env.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # the first runs compile, the measured ones not
        run_once(BARE, env)
        add_unit(env)  # the first start makes the database: not what is measured
        app_s, app_first, app_fill, app_end, app_mb = median_of(GJJ_DESK, env, args.runs)
        bare_s, _, _, bare_end, bare_mb = median_of(BARE, env, args.runs)
    print(
        f"window start, offscreen (median of {args.runs}): shown (event loop runs, painted) /"
        " unit shown (home page, status bar) / filled in (pages, session, sync) /"
        " process ended / peak RSS"
    )
    print(
        f"  gjj-desk                  {app_s:6.2f} s  {app_first:6.2f} s  {app_fill:6.2f} s"
        f"  {app_end:6.2f} s  {app_mb:5.0f} MB"
    )
    print(
        f"  bare PySide6 tree+table   {bare_s:6.2f} s  {bare_s:6.2f} s  {bare_s:6.2f} s"
        f"  {bare_end:6.2f} s  {bare_mb:5.0f} MB"
    )
    print(
        f"  ratio until shown (event loop runs, window painted): {app_s / bare_s:.1f}×;"
        f" until the unit is shown: {app_first / bare_s:.1f}×;"
        f" until filled in: {app_fill / bare_s:.1f}×; memory {app_mb / bare_mb:.1f}×"
        "  (target ≤ 2× and ≤ 120 MB)"
    )


if __name__ == "__main__":
    main()
