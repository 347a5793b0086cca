"""Typing into the person lookup over a 100,000-person roster: the window never stalls.

The stall probe (tests/stall_probe.py) bounds how long the UI thread is blocked while the clerk
types and the suggestions come back; the searches themselves run on a worker, throttled.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.services.engine.spec import RosterEntry
from app.services.roster import LookupKey, RosterService
from app.services.store import Store
from app.views.person_lookup import PersonLookupField
from tests.big_roster import BigRoster, build, copy
from tests.qt_typing import type_text
from tests.stall_probe import MAX_GAP, StallProbe

PEOPLE = 100_000


@pytest.fixture(scope="module")
def big_roster(tmp_path_factory: pytest.TempPathFactory) -> BigRoster:
    return build(tmp_path_factory.mktemp("big") / "roster.sqlite3", PEOPLE)


class SpiedRoster(RosterService):
    """The real roster service, noting each search and whether it ran on the UI thread."""

    def __init__(self, store: Store, unit_id: int) -> None:
        super().__init__(store, unit_id)
        self.searched: list[tuple[str, bool]] = []

    def search(self, text: str, limit: int = 20) -> list[RosterEntry]:
        self.searched.append((text, threading.current_thread() is threading.main_thread()))
        return super().search(text, limit)


@pytest.fixture
def field(qtbot: QtBot, big_roster: BigRoster, tmp_path: Path) -> Iterator[PersonLookupField]:
    mine = copy(big_roster, tmp_path / "roster.sqlite3")
    store = Store.open(mine.path)
    widget = PersonLookupField(SpiedRoster(store, mine.unit_id))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    yield widget
    store.close()


@pytest.mark.stall
def test_typing_the_last_six_digits_searches_once_off_the_ui_thread_without_a_stall(
    qtbot: QtBot, field: PersonLookupField, big_roster: BigRoster
) -> None:
    ending = big_roster.id_numbers[43210][-6:]
    edit, model = field.edits[LookupKey.ID_NUMBER], field.models[LookupKey.ID_NUMBER]

    with StallProbe() as probe:
        edit.setFocus()
        qtbot.keyClicks(edit, ending)
        qtbot.waitUntil(lambda: model.rowCount() > 0)

    assert "00043210" in [p.account_no for p in model.persons()]
    assert all(p.id_number.endswith(ending) for p in model.persons())
    roster = field.roster
    assert isinstance(roster, SpiedRoster)
    assert roster.searched == [(ending, False)]  # six keystrokes, one search, on a worker
    assert probe.largest_gap < MAX_GAP, probe


@pytest.mark.stall
def test_typing_a_name_searches_the_whole_roster_off_the_ui_thread_without_a_stall(
    qtbot: QtBot, field: PersonLookupField
) -> None:
    edit, model = field.edits[LookupKey.NAME], field.models[LookupKey.NAME]

    with StallProbe() as probe:
        for text in ("王", "王伟"):  # as an input method commits them
            type_text(qtbot, edit, text[-1])
            qtbot.waitUntil(lambda t=text: any(t in p.name for p in model.persons()))

    assert all("王伟" in p.name for p in model.persons())
    roster = field.roster
    assert isinstance(roster, SpiedRoster)
    assert roster.searched and not any(on_ui for _, on_ui in roster.searched)
    assert probe.largest_gap < MAX_GAP, probe
