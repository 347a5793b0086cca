"""Scanning 10 sheets from SANE's `test` feeder into the panel never freezes the window (issue 12).

The scan runs on a worker (scanimage watched page by page); each page arriving is shown as a
thumbnail and the material's PDF is built on the panel's serial pool. The stall probe bounds
how long the UI thread is blocked meanwhile; nothing here times the scan itself. Kept quick:
a small area at the device's lowest resolution, in black and white.
"""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.services.attachments import AttachmentService
from app.services.scanning import Source
from app.views.attachments import AttachmentPanel
from tests.stall_probe import StallProbe

pytestmark = [pytest.mark.sane, pytest.mark.stall]

ID_CARD = "身份证复印件"
SMALL = {"x": "40", "y": "50"}  # millimetres: each sheet a small picture


def test_scanning_ten_sheets_from_the_feeder_never_stalls(
    qtbot: QtBot, sane_panel: AttachmentPanel, attachments: AttachmentService
) -> None:
    picker = sane_panel.picker
    picker.select_source(Source.ADF)
    picker.extra_options = dict(SMALL)
    picker.dpi.setCurrentIndex(0)  # the lowest the device offers
    picker.mode.setCurrentText("黑白")
    pages: list[int] = []
    with StallProbe() as probe:
        op = sane_panel.scan()
        assert op is not None
        op.signals.progress.connect(lambda done, _total, _label: pages.append(done))
        qtbot.waitUntil(lambda: sane_panel.scan_op is None, timeout=60_000)
        qtbot.waitUntil(lambda: not sane_panel.busy(), timeout=60_000)
    assert pages[-1] == 10  # the sheets arrived one by one while the probe ticked
    assert len(sane_panel.model(ID_CARD).pages()) == 10
    (doc,) = attachments.for_list(sane_panel.list_id)
    assert doc.page_count == 10
    assert "已添加 10 页" in sane_panel.message.text()
    probe.check()
