"""An import of 10,000 rows from the batch page never blocks the window (issue 12).

Checking and storing run on a worker (the page's Op); the 清册 below then reads its new index
on a worker too (a list over 5,000 rows). The stall probe bounds the UI thread's longest block.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.views.business.import_page import ImportPage
from tests.stall_probe import StallProbe
from tests.views.business.test_import_page import big_file, page  # noqa: F401 - the fixture

ROWS = 10_000
WAIT = 300_000  # ms: the worker's time on a busy shared machine, never a bound on the UI thread


@pytest.mark.stall
def test_an_import_of_10000_rows_never_stalls(
    qtbot: QtBot,
    page: ImportPage,  # noqa: F811 - the imported fixture
    tmp_path: Path,
) -> None:
    path = big_file(tmp_path, ROWS)
    page.set_file(path)
    with StallProbe() as probe:
        with qtbot.waitSignal(page.validated, timeout=WAIT):
            page.import_button.click()
        with qtbot.waitSignal(page.imported, timeout=WAIT) as blocker:
            page.report.import_all_button.click()
        model = page.list.model
        qtbot.waitUntil(
            lambda: model.loading is None and model.rowCount() == ROWS + 1, timeout=WAIT
        )
    assert blocker.args == [ROWS]
    assert f"共 {ROWS + 1} 条" in page.list_summary.text()
    probe.check()
