"""A 100,000-row 清册: UI-thread time to open it and to show one 添加 / 修改 / 删除.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/pending_list_bench.py [--rows 100000]

Builds a seeded list in a temp folder (tests/big_pending.py), opens the real 清册 widget over
it and prints, median of `--repeat` runs, the time spent *on the UI thread* for
  open            the widget's refresh call + showing the index a worker read (its SQL apart)
  添加 / 修改      showing the row the service returned (the service runs on a worker for a
                  big list; its own time is printed beside)
  删除            the service call and the row taken out (both on the UI thread)
beside a bare sqlite3 `SELECT count(*)` of the list, with the ratio, and what the old full
re-read (every row into Python, the summary added up in Python) costs. Target (issue 12):
≤ 100 ms of UI-thread time after each change. No assertions.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.services.attachments import AttachmentService  # noqa: E402
from app.services.businesses import SPECS  # noqa: E402
from app.services.engine.pending import PendingLists  # noqa: E402
from app.services.policy import load_default  # noqa: E402
from app.services.store import Store  # noqa: E402
from app.views.business.pending_list import PendingListPanel  # noqa: E402
from tests import big_pending  # noqa: E402
from tests.ids import resident_id  # noqa: E402


def _ms(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


def _open(app: QApplication, pending: PendingLists) -> tuple[float, PendingListPanel]:
    """UI-thread time from nothing to the first screen of rows (the worker's SQL apart)."""
    ui = 0.0
    shown, panel = _ms(
        lambda: PendingListPanel(
            pending, AttachmentService(pending.store, pending.unit_id), load_default
        )
    )
    ui += shown
    panel.resize(1000, 600)
    panel.show()
    spent, _ = _ms(panel.refresh)
    ui += spent
    while panel.model.loading is not None:  # the index on its worker: not UI-thread time
        app.processEvents()
        time.sleep(0.002)
    spent, _ = _ms(app.processEvents)  # the rows arrive: the view resets, asks, paints
    return ui + spent, panel


def _one_change(app: QApplication, panel: PendingListPanel, n: int) -> dict[str, float]:
    pending = panel.pending
    person = {
        "name": "王新来",
        "id_number": resident_id(f"41020319900101{n % 1000:03d}"),
        "mobile": "13900000001",
        "base": "5000",
    }
    figures: dict[str, float] = {}
    figures["添加 service (worker)"], row = _ms(lambda: pending.add(person))
    figures["添加 UI thread"], _ = _ms(lambda: (panel.row_added(row), app.processEvents()))
    panel.modifying = row
    figures["修改 service (worker)"], saved = _ms(
        lambda: pending.update(row.id, person | {"base": "8000"})
    )
    figures["修改 UI thread"], _ = _ms(lambda: (panel.row_saved(saved), app.processEvents()))
    at = panel.model.row_of(row.id)
    assert at is not None
    panel.table.selectRow(at)
    figures["删除 UI thread (service included)"], _ = _ms(
        lambda: (panel.delete(), app.processEvents())
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
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
        opens, changes = [], []
        for n in range(args.repeat):
            spent, panel = _open(app, pending)
            opens.append(spent)
            changes.append(_one_change(app, panel, n))
            panel.deleteLater()
            app.processEvents()
        print(f"清册 of {args.rows:,} rows, median of {args.repeat}")
        print(f"  bare sqlite3 count(*) of the list        {bare_ms:8.1f} ms")
        print(f"  old full re-read (rows + Python summary)  {old_ms:8.1f} ms  (before: 2.7 s)")
        median_open = statistics.median(opens)
        print(f"  open: UI thread                           {median_open:8.1f} ms")
        for key in changes[0]:
            figure = statistics.median(c[key] for c in changes)
            ratio = figure / bare_ms if bare_ms else float("nan")
            print(f"  {key:<40} {figure:8.1f} ms  ({ratio:.1f}× the bare count)")
        print("  target: ≤ 100 ms of UI-thread time after each change")
        store.close()


if __name__ == "__main__":
    main()
