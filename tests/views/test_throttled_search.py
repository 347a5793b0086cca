"""ThrottledSearch: the newest text wins, off the UI thread; stale or cancelled answers dropped."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.views.throttled_search import ThrottledSearch


def test_a_stale_answer_is_dropped_and_only_the_newest_text_is_searched(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    first_running, release = threading.Event(), threading.Event()
    asked: list[tuple[str, bool]] = []

    def search(text: str) -> str:
        asked.append((text, threading.current_thread() is threading.main_thread()))
        if text == "41":
            first_running.set()
            release.wait(30)
        return f"found {text}"

    throttled = ThrottledSearch(search, widget)
    answers: list[tuple[str, object]] = []
    throttled.answered.connect(lambda text, result: answers.append((text, result)))

    throttled.request("41")
    qtbot.waitUntil(first_running.is_set)
    throttled.request("410")  # typed on while "41" is still being searched
    throttled.request("4102")
    release.set()
    qtbot.waitUntil(lambda: bool(answers))
    qtbot.waitUntil(lambda: not throttled.busy())

    assert answers == [("4102", "found 4102")]  # "41"'s answer came late: dropped
    assert asked == [("41", False), ("4102", False)]  # "410" was never searched; no UI thread


def test_a_cancelled_search_is_never_answered(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    asked: list[str] = []
    throttled = ThrottledSearch(lambda text: asked.append(text), widget)
    answers: list[str] = []
    throttled.answered.connect(lambda text, _result: answers.append(text))

    throttled.request("张")
    throttled.cancel()
    qtbot.waitUntil(lambda: not throttled.busy())
    throttled.request("王")
    qtbot.waitUntil(lambda: bool(answers))

    assert answers == ["王"]
    assert asked == ["王"]
