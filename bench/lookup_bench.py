"""Person lookups in a 100,000-person roster: exact 证件号码, and suggestions for its last 6 digits.

    .venv/bin/python bench/lookup_bench.py [--people 100000] [--samples 500]

Builds a seeded roster cache in a temp folder, then prints p50 / p99 per call of
  exact ID        RosterService.resolve(id, 证件号码)  beside  a bare sqlite3 SELECT by ID
  last 6 digits   RosterService.search(last6)          beside  the same bare SELECT through the
                  ID-ending index, and the LIKE '%123456' scan the code did before that index
with the ratios. Targets (issue 12): exact p99 ≤ 5 ms, last-6 suggestions p99 ≤ 30 ms. No
assertions.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.services.roster import LookupKey, RosterService  # noqa: E402
from app.services.roster_lookup import SUFFIX_SQL  # noqa: E402
from app.services.store import Store  # noqa: E402
from tests.big_roster import build  # noqa: E402


def _timed(call: Callable[[str], object], samples: list[str]) -> tuple[float, float]:
    times = []
    for text in samples:
        started = time.perf_counter()
        call(text)
        times.append(time.perf_counter() - started)
    times.sort()
    return times[len(times) // 2] * 1000, times[int(len(times) * 0.99) - 1] * 1000


def _row(label: str, figures: tuple[float, float]) -> None:
    print(f"  {label:<44} p50 {figures[0]:7.3f} ms   p99 {figures[1]:7.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=500)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="lookup-bench-") as tmp:
        roster = build(Path(tmp) / "db.sqlite3", args.people)
        store = Store.open(roster.path)
        service = RosterService(store, roster.unit_id)
        bare = sqlite3.connect(roster.path)
        ids = [rng.choice(roster.id_numbers) for _ in range(args.samples)]
        endings = [i[-6:] for i in ids]
        unit = roster.unit_id

        print(f"person lookup, {args.people:,} people, {args.samples} lookups each")
        exact = _timed(lambda i: service.resolve(i, LookupKey.ID_NUMBER), ids)
        bare_exact = _timed(
            lambda i: bare.execute(
                "SELECT * FROM roster_persons WHERE unit_id = ? AND id_number = ?", (unit, i)
            ).fetchall(),
            ids,
        )
        _row("exact ID: RosterService.resolve", exact)
        _row("exact ID: bare sqlite3 SELECT", bare_exact)
        print(f"  ratio p99 service / bare: {exact[1] / bare_exact[1]:.1f}×  (target p99 ≤ 5 ms)")

        suggest = _timed(lambda e: service.search(e, 20), endings)
        indexed = _timed(
            lambda e: bare.execute(
                f"SELECT * FROM roster_persons WHERE unit_id = ? AND {SUFFIX_SQL} >= ? "
                f"AND {SUFFIX_SQL} < ? ORDER BY name LIMIT 20",
                (unit, e[::-1], e[::-1] + "\U0010ffff"),
            ).fetchall(),
            endings,
        )
        scan = _timed(
            lambda e: bare.execute(
                "SELECT * FROM roster_persons WHERE unit_id = ? AND id_number LIKE ? "
                "ORDER BY name LIMIT 20",
                (unit, "%" + e),
            ).fetchall(),
            endings[:50],
        )
        _row("last 6 digits: RosterService.search", suggest)
        _row("last 6 digits: bare SELECT, ID-ending index", indexed)
        _row("last 6 digits: bare LIKE scan (before)", scan)
        print(
            f"  ratio p99 service / bare indexed: {suggest[1] / indexed[1]:.1f}×; "
            f"LIKE scan / service: {scan[1] / suggest[1]:.1f}×  (target p99 ≤ 30 ms)"
        )
        bare.close()
        store.close()


if __name__ == "__main__":
    main()
