"""Scanning through the panel from SANE's real `test` device (a driver with no hardware)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from app.services.attachments import AttachmentService
from app.services.context import AppServices
from app.services.engine.pending import PendingLists
from app.services.scanning import Source
from app.services.scanning.registry import CombinedScanner
from app.services.scanning.sane import SaneScanner
from app.views.attachments import AttachmentPanel
from tests.views.attachments.conftest import make_panel

pytestmark = pytest.mark.sane

ID_CARD = "身份证复印件"
SMALL = {"x": "40", "y": "50"}  # a small scan area keeps each sheet quick


def scan(qtbot: QtBot, panel: AttachmentPanel, source: Source, **extra: str) -> None:
    panel.picker.select_source(source)
    panel.picker.extra_options = {**SMALL, **extra}
    op = panel.scan()
    assert op is not None
    qtbot.waitUntil(lambda: panel.scan_op is None, timeout=60_000)
    qtbot.waitUntil(lambda: not panel.busy(), timeout=60_000)


def test_the_picker_lists_the_test_device_with_its_options(sane_panel: AttachmentPanel) -> None:
    picker = sane_panel.picker
    assert [d.id for d in picker.devices] == ["test:0", "test:1"]
    assert picker.device.currentText() == "Noname frontend-tester"
    sources = [picker.source.itemText(i) for i in range(picker.source.count())]
    assert sources == ["平板", "自动进纸器"]
    modes = [picker.mode.itemText(i) for i in range(picker.mode.count())]
    assert modes == ["灰度", "彩色", "黑白"]
    assert picker.dpi.currentText() == "300 dpi"
    assert not picker.duplex.isEnabled()  # the test device has no duplex
    assert sane_panel.scan_button.isEnabled()


def test_a_flatbed_scan_gives_one_page_and_its_pdf(
    qtbot: QtBot, sane_panel: AttachmentPanel, attachments: AttachmentService
) -> None:
    scan(qtbot, sane_panel, Source.FLATBED)

    assert [p.origin for p in sane_panel.model(ID_CARD).pages()] == ["扫描"]
    assert sane_panel.preview.has_picture()
    assert sane_panel.status_labels[ID_CARD].text().startswith("1 页")
    (doc,) = attachments.for_list(sane_panel.list_id)
    assert doc.page_count == 1
    # The scan's temporary folder is gone; the page is kept with the material.
    folder = attachments.pages_of(sane_panel.list_id, ID_CARD).folder
    assert not list(folder.glob(".scan-*"))


def test_a_feeder_batch_of_ten_sheets_becomes_one_ten_page_pdf(
    qtbot: QtBot, sane_panel: AttachmentPanel, attachments: AttachmentService
) -> None:
    counts: list[int] = []
    sane_panel.picker.select_source(Source.ADF)
    sane_panel.picker.extra_options = dict(SMALL)
    op = sane_panel.scan()
    assert op is not None and sane_panel.scan_bar.isVisibleTo(sane_panel)
    op.signals.progress.connect(lambda done, _total, _label: counts.append(done))
    qtbot.waitUntil(lambda: sane_panel.scan_op is None, timeout=60_000)
    qtbot.waitUntil(lambda: not sane_panel.busy(), timeout=60_000)

    assert counts[-1] == 10  # the page counter went up sheet by sheet
    assert len(sane_panel.model(ID_CARD).pages()) == 10
    (doc,) = attachments.for_list(sane_panel.list_id)
    assert doc.page_count == 10 and len(PdfReader(doc.path).pages) == 10
    assert "已添加 10 页" in sane_panel.message.text()


def test_a_jam_at_the_first_sheet_says_so_and_keeps_the_earlier_scan(
    qtbot: QtBot, sane_panel: AttachmentPanel
) -> None:
    scan(qtbot, sane_panel, Source.FLATBED)
    scan(qtbot, sane_panel, Source.ADF, **{"read-return-value": "SANE_STATUS_JAMMED"})

    assert "卡纸" in sane_panel.message.text()
    assert len(sane_panel.model(ID_CARD).pages()) == 1
    assert sane_panel.status_labels[ID_CARD].text().startswith("1 页")


def _jams_after(tmp_path: Path, good: int) -> Path:
    """A scanimage that jams on sheet good+1: two runs of the real program (as in the backend
    tests); the test device can only fail from its first read."""
    script = tmp_path / "scanimage-jams-later"
    script.write_text(
        "#!/bin/sh\n"
        'case " $* " in *" -A "*|*"--formatted-device-list"*) exec scanimage "$@";; esac\n'
        f'scanimage "$@" --batch-count={good} || exit $?\n'
        f'exec scanimage "$@" --batch-start={good + 1} --batch-count=1 '
        "--read-return-value SANE_STATUS_JAMMED\n",
        encoding="ascii",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_a_jam_mid_batch_keeps_the_sheets_already_scanned(
    qtbot: QtBot,
    services: AppServices,
    pending: PendingLists,
    attachments: AttachmentService,
    sane_test_device: str,
    tmp_path: Path,
) -> None:
    scanner = CombinedScanner([SaneScanner(scanimage=_jams_after(tmp_path, 3))])
    panel = make_panel(qtbot, services, pending, attachments, scanner)
    scan(qtbot, panel, Source.ADF)

    assert "卡纸" in panel.message.text() and "已扫描的 3 页已保留" in panel.message.text()
    assert len(panel.model(ID_CARD).pages()) == 3
    assert panel.status_labels[ID_CARD].text().startswith("3 页")


def test_cancel_stops_the_feeder_and_keeps_what_arrived(
    qtbot: QtBot, sane_panel: AttachmentPanel
) -> None:
    sane_panel.picker.select_source(Source.ADF)
    # Slow sheets, so the cancel lands mid-batch.
    sane_panel.picker.extra_options = {
        **SMALL,
        "read-delay": "yes",
        "read-delay-duration": "200000",
        "read-limit": "yes",
        "read-limit-size": "4096",
    }
    op = sane_panel.scan()
    assert op is not None
    qtbot.waitUntil(lambda: sane_panel.scanned_pages >= 1, timeout=60_000)
    sane_panel.cancel_scan()
    qtbot.waitUntil(lambda: sane_panel.scan_op is None, timeout=60_000)
    qtbot.waitUntil(lambda: not sane_panel.busy(), timeout=60_000)

    kept = len(sane_panel.model(ID_CARD).pages())
    assert 1 <= kept < 10
    assert f"扫描已取消，已扫描的 {kept} 页已保留" in sane_panel.message.text()
