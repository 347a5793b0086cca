"""A 100,000-row 清册: UI-thread time to open it and for each 添加 / 修改 / 删除 / 撤销删除.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/pending_list_bench.py [--rows 100000]

Builds a seeded list in a temp folder (tests/big_pending.py), opens the real page (form and
清册) over it and drives it as a clerk does; the services run on their workers as in the
client. For each action it prints, median of `--repeat` runs:
  UI thread   CPU time the window's thread spent on it (time.thread_time; waiting for the
              worker blocks in the event loop and costs nothing)
  longest     the longest the UI thread went without returning to its event loop (a 10 ms
              timer's largest gap, as tests/stall_probe.py measures it; on a loaded machine
              it includes the OS's delays)
  whole       wall time until the result is shown (the worker's SQL included)
beside a bare sqlite3 `SELECT count(*)` of the list, with the ratio, and what the old full
re-read (every row into Python, the summary added up in Python) costs. Target (issue 12):
≤ 100 ms of UI-thread time for each action. No assertions.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEventLoop  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.services.attachments import AttachmentService  # noqa: E402
from app.services.businesses import SPECS  # noqa: E402
from app.services.engine.pending import PendingLists  # noqa: E402
from app.services.policy import load_default  # noqa: E402
from app.services.store import Store  # noqa: E402
from app.views.business.pending_page import PendingPage  # noqa: E402
from app.views.qt_support import favour_the_window_thread  # noqa: E402
from tests import big_pending  # noqa: E402
from tests.ids import resident_id  # noqa: E402
from tests.stall_probe import StallProbe  # noqa: E402

ACTIONS = ("open", "添加", "修改", "删除", "撤销删除")


def _label(text: str, width: int = 10) -> str:
    """`text` padded to `width` terminal columns (a Chinese character takes two)."""
    return text + " " * max(0, width - sum(2 if ord(c) > 0x2E80 else 1 for c in text))


def _ms(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


def _timed(app: QApplication, act: Callable[[], None], done: Callable[[], bool]) -> list[float]:
    """[UI-thread CPU, longest block, whole] in ms for `act` until `done()`."""
    cpu, wall = time.thread_time(), time.perf_counter()
    with StallProbe() as probe:
        act()
        while not done():  # blocks until the next event: no CPU spent waiting
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    return [
        (time.thread_time() - cpu) * 1000,
        probe.largest_gap * 1000,
        (time.perf_counter() - wall) * 1000,
    ]


def _round(app: QApplication, pending: PendingLists, n: int) -> dict[str, list[float]]:
    """One page opened, and one of each change on it."""
    figures: dict[str, list[float]] = {}
    cpu = time.thread_time()
    built, page = _ms(
        lambda: PendingPage(
            pending, AttachmentService(pending.store, pending.unit_id), load_default
        )
    )
    # The page's widgets (form, buttons, table): the same for a list of any size. Building it
    # asks for the list's index and the rules' context on workers; `open` is the rest.
    figures["widgets"] = [(time.thread_time() - cpu) * 1000, built, built]

    def show() -> None:
        page.resize(1000, 700)
        page.show()

    figures["open"] = _timed(
        app, show, lambda: page.model.loading is None and page._context is not None
    )
    person = {
        "name": "王新来",
        "id_number": resident_id(f"41020319900101{n % 1000:03d}"),
        "mobile": "13900000001",
    }
    page.form.set_values(person | {"base": "5000"})  # typing is the clerk's, not the action's
    figures["添加"] = _timed(app, page.add_row, lambda: page.saving is None)
    last = page.model.rowCount() - 1
    page.table.selectRow(last)
    page.modify()
    page.form.set_values(person | {"base": "8000"})
    figures["修改"] = _timed(app, page.add_row, lambda: page.saving is None)
    page.table.selectRow(last)
    figures["删除"] = _timed(app, page.delete, lambda: page.list.deleting is None)
    figures["撤销删除"] = _timed(app, page.undo_delete, lambda: page.list.undoing is None)
    pending.delete_many([page.model.row_id(last)])  # the next round adds its own row
    page.deleteLater()
    app.processEvents()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    favour_the_window_thread()  # as run_gui does
    with tempfile.TemporaryDirectory(prefix="pending-bench-") as tmp:
        big = big_pending.build(Path(tmp) / "db.sqlite3", args.rows)
        bare = sqlite3.connect(big.path)
        count_sql = "SELECT count(*) FROM pending_rows WHERE list_id = ? AND deleted_at IS NULL"
        bare_ms = statistics.median(
            _ms(lambda: bare.execute(count_sql, (big.list_id,)).fetchone())[0] for _ in range(5)
        )
        store = Store.open(big.path)
        pending = PendingLists(store, SPECS["open-account"], big.unit_id, load_default)
        old_ms = statistics.median(
            _ms(lambda: pending.summary(pending.rows()))[0] for _ in range(min(args.repeat, 3))
        )
        rounds = [_round(app, pending, n) for n in range(args.repeat)]
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"清册 of {args.rows:,} rows, median of {args.repeat} (load average {load:.1f})")
        print(f"  bare sqlite3 count(*) of the list          {bare_ms:8.1f} ms")
        print(f"  old full re-read (rows + Python summary)   {old_ms:8.1f} ms  (before: 2.7 s)")
        print("  action       UI thread    longest      whole   UI thread / bare count")
        for action in ("widgets", *ACTIONS):
            ui, longest, whole = (statistics.median(r[action][i] for r in rounds) for i in range(3))
            ratio = ui / bare_ms if bare_ms else float("nan")
            print(
                f"  {_label(action)} {ui:8.1f} ms {longest:8.1f} ms {whole:8.1f} ms   {ratio:6.1f}×"
            )
        print("  (widgets: the page's form and table, built the same for a list of any size)")
        print("  target: ≤ 100 ms of UI-thread time for each action")
        store.close()


if __name__ == "__main__":
    main()
