"""The cycle collector is held off during a bulk job and runs again after it, as before."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from app.services.gc_pause import collector_paused, pauses_collector


@pytest.fixture(autouse=True)
def collector_as_found() -> Iterator[None]:
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def test_paused_inside_and_running_after() -> None:
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # nested: still paused when the inner block ends
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_switched_off_stays_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_overlapping_pauses_of_two_threads() -> None:
    gc.enable()
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with collector_paused():
            inside.set()
            release.wait()

    worker = threading.Thread(target=other)
    worker.start()
    inside.wait()
    with collector_paused():
        pass
    assert not gc.isenabled()  # the other thread's pause still holds
    release.set()
    worker.join()
    assert gc.isenabled()


def test_restored_when_the_job_fails() -> None:
    gc.enable()

    @pauses_collector
    def job() -> None:
        assert not gc.isenabled()
        raise ValueError("bad file")

    with pytest.raises(ValueError, match="bad file"):
        job()
    assert gc.isenabled()
