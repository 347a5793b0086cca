"""Holding off Python's cycle collector while a bulk job (a 10,000-row import) runs.

An import makes a few objects per row that live until it ends (the rows read, their checks),
so the collector's young generations fill again and again and every so often a full pass
walks every object of the process, holding the interpreter lock: measured on a 10,000-row
个人开户 import, 1–3 full passes took 0.2–0.5 s of its ~1.6 s, on whichever thread happened
to allocate (the window's too). The rows hold no reference cycles, so nothing is left for the
collector to free: pausing it changes no result, and memory is freed by reference counting as
before. Pauses nest and may overlap between threads; the collector runs again (if it ran
before the first pause) when the last one ends.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_lock = threading.Lock()
_depth = 0
_resume = False  # whether the collector was running when the first pause began


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (of any thread); restored after it."""
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()


def pauses_collector(fn: Callable[P, T]) -> Callable[P, T]:
    """`fn` run inside `collector_paused()`."""

    @functools.wraps(fn)
    def paused(*args: P.args, **kwargs: P.kwargs) -> T:
        with collector_paused():
            return fn(*args, **kwargs)

    return paused
