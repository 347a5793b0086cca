"""A panel over real services, a pending list of 个人开户, and SANE's test device."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.models import Unit
from app.services.attachments import AttachmentService
from app.services.businesses import SPECS
from app.services.context import AppServices
from app.services.engine.pending import PendingLists
from app.services.scanning.base import DeviceInfo, Scanner
from app.services.scanning.registry import CombinedScanner
from app.views.attachments import AttachmentPanel
from app.views.attachments.jobs import serial_pool


class NoScanner:
    """A computer with no scanner at all (what the panel meets on many clerks' PCs)."""

    kind = "none"

    def list_devices(self) -> list[DeviceInfo]:
        return []

    def scan(self, *_args: object) -> list[Path]:
        raise AssertionError("nothing to scan with")


@pytest.fixture(autouse=True)
def builds_done(services: AppServices) -> Iterator[None]:
    """Closing a panel does not wait for its imports and builds (they finish on their own):
    a test waits for them here, before its database goes."""
    yield
    assert serial_pool().waitForDone(60_000), "an import or a PDF build never finished"


@pytest.fixture
def pending(services: AppServices) -> PendingLists:
    unit = services.units.add("100001", "开封市示范机械厂")
    with services.store.session() as session:
        session.get_one(Unit, unit.id).profile = {"unit_ratio": "0.12", "personal_ratio": "0.12"}
    return PendingLists(
        services.store, SPECS["open-account"], unit.id, lambda: services.units.policy(unit.id)
    )


@pytest.fixture
def attachments(services: AppServices, pending: PendingLists) -> AttachmentService:
    return AttachmentService(services.store, pending.unit_id)


def make_panel(
    qtbot: QtBot,
    services: AppServices,
    pending: PendingLists,
    attachments: AttachmentService,
    scanner: Scanner,
) -> AttachmentPanel:
    policy = services.units.policy(pending.unit_id)
    panel = AttachmentPanel(attachments, "open-account", pending.list_id(), policy, scanner)
    qtbot.addWidget(panel)
    panel.resize(1000, 640)
    panel.show()
    qtbot.waitUntil(lambda: panel.picker.listed, timeout=30_000)
    return panel


@pytest.fixture
def panel(
    qtbot: QtBot, services: AppServices, pending: PendingLists, attachments: AttachmentService
) -> AttachmentPanel:
    """A panel on a PC with no scanner."""
    return make_panel(qtbot, services, pending, attachments, NoScanner())


@pytest.fixture
def sane_panel(
    qtbot: QtBot,
    services: AppServices,
    pending: PendingLists,
    attachments: AttachmentService,
    sane_test_device: str,
) -> Iterator[AttachmentPanel]:
    """A panel whose scanner is SANE with only the test device."""
    from app.services.scanning.sane import SaneScanner

    made = make_panel(qtbot, services, pending, attachments, CombinedScanner([SaneScanner()]))
    # A hung scanimage ends by the watchdog well inside the tests' 60 s waits (issue 15.16).
    limits = replace(made.policy.attachments, scan_stall_seconds=20)
    made.policy = replace(made.policy, attachments=limits)
    yield made
    assert made.scan_op is None, "a test must wait for its scan to end"
