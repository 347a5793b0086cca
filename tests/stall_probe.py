"""How long the UI thread was blocked: a 10 ms QTimer whose largest gap between ticks is kept.

    with StallProbe() as probe:
        ...drive the widget, wait for the work with qtbot.waitUntil...
    assert probe.largest_gap < MAX_GAP

Not a timing of the whole job: the job may take seconds on a worker. A tick late by more than
`MAX_GAP` means the UI thread did something that long without returning to the event loop,
which a clerk sees as a frozen window.
"""

from __future__ import annotations

import faulthandler
import gc
import os
import tempfile
import time
from types import TracebackType
from typing import IO

from PySide6.QtCore import QTimer

MAX_GAP = 0.100  # seconds: a UI thread blocked longer than this is felt
# Runnable threads per core above which the OS itself keeps the UI thread waiting: measured on
# a shared 2-core machine at load 16-24, a worker running one bare sqlite3 query (in C, the
# GIL released) left the probe's timer 215 ms late. A gap there says nothing about the code.
OVERLOADED_PER_CORE = 4.0


def overloaded() -> str | None:
    """Why a gap measured now would be the machine's, not the code's (None: it would not)."""
    if not hasattr(os, "getloadavg"):
        return None
    load = os.getloadavg()[0]
    cores = os.cpu_count() or 1
    if load / cores <= OVERLOADED_PER_CORE:
        return None
    return f"load average {load:.1f} on {cores} cores: the OS, not the code, delays the UI thread"


class UIThreadBlockedError(AssertionError):
    """A probe's gap over its bound (`make test` runs such a test again, twice at most)."""


class StallProbe:
    """Records the largest gap between the ticks of a `interval_ms` timer on the UI thread."""

    def __init__(self, interval_ms: int = 10) -> None:
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.largest_gap = 0.0
        self.ticks = 0
        self._last = 0.0
        # A watchdog outside the interpreter (faulthandler's C thread, which needs no GIL):
        # armed again at every tick, it writes every thread's stack once a tick is late, so a
        # failure says what the UI thread - or the thread holding the GIL - was doing.
        self._stacks: IO[str] | None = None  # opened while the probe runs
        self._watch = interval_ms / 1000 + MAX_GAP * 0.8
        self.stacks = ""  # what the watchdog wrote, read when the probe ends

    def _arm(self) -> None:
        if self._stacks is not None:
            faulthandler.dump_traceback_later(self._watch, exit=False, file=self._stacks)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.largest_gap = max(self.largest_gap, now - self._last)
        self._last = now
        self.ticks += 1
        self._arm()

    def __enter__(self) -> StallProbe:
        # The client freezes its start-up heap once the window is filled (window_start.py), so
        # the collector's full walks skip it; here the test process's heap (pytest, earlier
        # tests) is frozen the same way, or each walk over it would stall the UI thread.
        gc.freeze()
        self._stacks = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        self._last = time.perf_counter()
        self.timer.start()
        self._arm()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._tick()  # the stretch since the last tick counts too
        self.timer.stop()
        faulthandler.cancel_dump_traceback_later()
        if self._stacks is not None:
            self._stacks.seek(0)
            self.stacks = self._stacks.read()
            self._stacks.close()
            self._stacks = None

    def check(self, limit: float = MAX_GAP) -> None:
        """Assert no gap over `limit` (MAX_GAP unless a test names a known, larger one); on an
        overloaded machine skip, saying so and the gap."""
        if self.largest_gap < limit:
            return
        reason = overloaded()
        if reason is not None:
            import pytest  # only tests call this

            pytest.skip(f"{reason} ({self!r}); the checks before this one passed")
        raise UIThreadBlockedError(
            f"the UI thread was blocked too long: {self!r}\n"
            f"the threads when a tick was late:\n{self.stacks}"
        )

    def __repr__(self) -> str:
        return f"StallProbe(largest_gap={self.largest_gap * 1000:.0f} ms, ticks={self.ticks})"
