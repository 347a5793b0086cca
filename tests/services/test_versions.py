"""The version gate: below the centre's minimum nothing is sent; a newer version is announced."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from app.errors import OfflineError
from app.services import versions
from app.services.context import AppServices
from app.services.outbox import OutboxSync
from app.services.versions import CentreVersions, VersionStatus, version_key
from tests.services.test_outbox import FakeCentre, item, queue


class VersionedCentre(FakeCentre):
    """The fake centre of the outbox tests, publishing client versions."""

    def __init__(self, published: dict[str, Any] | Exception) -> None:
        super().__init__()
        self.published = published

    def client_versions(self) -> dict[str, Any]:
        if isinstance(self.published, Exception):
            raise self.published
        return self.published


def sync_with(services: AppServices, centre: FakeCentre) -> tuple[OutboxSync, int]:
    unit_id = services.units.add("100001", "开封市示范机械厂").id
    outbox = OutboxSync(services.store, unit_id, lambda: centre, rng=random.Random(7))
    return outbox, queue(services, unit_id)


def test_versions_compare_by_number_not_by_text() -> None:
    assert version_key("0.10.0") == (0, 10, 0) and version_key("0.9.3") == (0, 9, 3)
    assert version_key("v1.2") == (1, 2)
    assert version_key("") is None and version_key("最新") is None
    status = VersionStatus("0.9.3", CentreVersions(latest="0.10.0", minimum="0.9.3"))
    assert status.upgrade_available and not status.below_minimum


def test_below_the_minimum_nothing_is_sent_and_the_clerk_is_told_why(
    services: AppServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(versions, "__version__", "0.1.0")
    centre = VersionedCentre(
        {"latest": "0.3.0", "minimum": "0.2.0", "download_url": "https://centre.example/dl"}
    )
    outbox, item_id = sync_with(services, centre)

    report = outbox.sync()

    assert report.run.stopped is not None
    assert "0.1.0 低于公积金中心要求的最低版本 0.2.0" in report.run.stopped
    assert "不会丢失" in report.run.stopped and "https://centre.example/dl" in report.run.stopped
    assert centre.submit_calls == [] and centre.uploads == [] and centre.pull_calls == 0
    assert item(services, item_id).state == "queued"  # held, untouched, for after the upgrade
    assert item(services, item_id).attempts == 0


def test_after_the_upgrade_the_held_item_is_sent_once_and_the_notice_is_gone(
    services: AppServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    centre = VersionedCentre({"latest": "0.3.0", "minimum": "0.2.0"})
    outbox, item_id = sync_with(services, centre)
    monkeypatch.setattr(versions, "__version__", "0.1.0")
    outbox.sync()
    assert versions.notice() is not None and "低于" in str(versions.notice())

    monkeypatch.setattr(versions, "__version__", "0.3.0")  # the clerk installed 0.3.0
    report = outbox.sync()

    assert report.run.stopped is None and report.run.sent == 1
    assert len(centre.submit_calls) == 1
    assert item(services, item_id).state == "sent"
    assert versions.notice() is None


def test_a_newer_version_is_announced_but_sending_goes_on(
    services: AppServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(versions, "__version__", "0.2.0")
    centre = VersionedCentre({"latest": "0.3.0", "minimum": "0.2.0"})
    outbox, item_id = sync_with(services, centre)

    report = outbox.sync()

    assert report.run.sent == 1 and item(services, item_id).state == "sent"
    message = versions.notice()
    assert message is not None and "有新版本 0.3.0" in message and "保留本机数据" in message


@pytest.mark.parametrize(
    "published",
    [
        {"latest": None, "minimum": None, "download_url": None},  # the centre publishes nothing
        OfflineError("无法连接公积金中心服务器", code="offline"),  # asked while going offline
        ["not", "an", "object"],
    ],
)
def test_no_answer_about_versions_gates_nothing(
    services: AppServices, published: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(versions, "__version__", "0.1.0")
    outbox, item_id = sync_with(services, VersionedCentre(published))
    assert outbox.sync().run.sent == 1
    assert item(services, item_id).state == "sent"


def test_an_unreadable_remembered_answer_is_no_notice(data_dir: Path) -> None:
    versions.remember(CentreVersions(latest="9.0"))
    (data_dir / versions.STATE_FILE).write_text("{broken", encoding="utf-8")
    assert versions.notice() is None
