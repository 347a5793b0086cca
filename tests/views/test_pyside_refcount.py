"""PySide6 must not free None: 6.12.0 on Python 3.11 dropped a reference to None on every call
of a void Qt method (and one to True on every Signal.emit), and after about 200,000 calls the
interpreter aborted with "none_dealloc" — a long day at the client, or a test run. pyproject pins
PySide6-Essentials below 6.12; this test fails on a PySide6 that does it again."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot


class _Emitter(QObject):
    fired = Signal(bool)


def test_void_qt_calls_and_emits_keep_none_and_true_alive(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    emitter = _Emitter()
    got: list[bool] = []
    emitter.fired.connect(got.append)
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(1000):
        label.setText("开户")
        emitter.fired.emit(True)
    assert len(got) == 1000
    got.clear()  # the list held a reference to each True it was given
    # Other threads may take or drop a few references meanwhile; 6.12.0 lost exactly 1,000.
    assert abs(sys.getrefcount(None) - none_before) < 100
    assert abs(sys.getrefcount(True) - true_before) < 100
