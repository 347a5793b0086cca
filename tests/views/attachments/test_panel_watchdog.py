"""A scanner that stops answering, seen from the panel: the scan ends by itself after the
policy's time, the pages that arrived are kept, and the clerk reads why."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.services.attachments import AttachmentService
from app.services.context import AppServices
from app.services.engine.pending import PendingLists
from app.services.scanning import Source
from app.services.scanning.registry import CombinedScanner
from app.services.scanning.sane import SaneScanner
from tests.services.scanning.test_sane_watchdog import fake_scanimage
from tests.views.attachments.conftest import make_panel

ID_CARD = "身份证复印件"


def test_a_hung_scanner_is_given_up_after_the_policy_time_and_its_pages_kept(
    qtbot: QtBot,
    services: AppServices,
    pending: PendingLists,
    attachments: AttachmentService,
    tmp_path: Path,
) -> None:
    scanner = CombinedScanner([SaneScanner(scanimage=fake_scanimage(tmp_path, good=2))])
    panel = make_panel(qtbot, services, pending, attachments, scanner)
    policy = panel.policy
    panel.policy = replace(policy, attachments=replace(policy.attachments, scan_stall_seconds=1))
    panel.picker.select_source(Source.ADF)

    assert panel.scan() is not None
    # Bounded: the watchdog ends the scan; this wait is only a safety net for the test run.
    qtbot.waitUntil(lambda: panel.scan_op is None, timeout=60_000)
    qtbot.waitUntil(lambda: not panel.busy(), timeout=60_000)

    assert "扫描仪 1 秒没有响应" in panel.message.text()
    assert "已扫描的 2 页已保留" in panel.message.text()
    assert len(panel.model(ID_CARD).pages()) == 2
    assert panel.scan_action.isEnabled()  # the clerk can scan again
