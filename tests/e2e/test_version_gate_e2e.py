"""The version gate against fundserver as a process publishing a minimum client version."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services import versions
from app.services.attachments import AttachmentService
from app.services.businesses import SPECS
from app.services.context import AppServices
from app.services.engine.pending import PendingLists
from app.services.outbox import OutboxSync
from app.services.session import CentreSession
from fundserver.demo import DemoCredentials
from fundserver.process import FundServerProcess
from tests.e2e.test_outbox_e2e import Clerk, on_server, outbox_item, submit_one
from tests.ids import resident_id

pytestmark = pytest.mark.e2e


@pytest.fixture
def strict_centre(tmp_path: Path) -> Iterator[FundServerProcess]:
    """A centre whose newest client is 0.3.0 and that accepts sends from 0.2.0 on."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("FUNDSERVER_LATEST_CLIENT", "0.3.0")
        env.setenv("FUNDSERVER_MINIMUM_CLIENT", "0.2.0")
        env.setenv("FUNDSERVER_CLIENT_DOWNLOAD_URL", "https://centre.example/gjj-desk-setup.exe")
        server = FundServerProcess(tmp_path / "centre")
    yield server
    server.stop()


@pytest.fixture
def clerk(
    services: AppServices, strict_centre: FundServerProcess, demo_credentials: DemoCredentials
) -> Clerk:
    session = CentreSession(services)
    login = session.login(strict_centre.url, demo_credentials.unit_code, demo_credentials.password)
    unit = login.unit
    pending = PendingLists(
        services.store, SPECS["open-account"], unit.id, lambda: services.units.policy(unit.id)
    )
    outbox = OutboxSync(services.store, unit.id, lambda: session.client(unit))
    return Clerk(
        services, session, unit, pending, AttachmentService(services.store, unit.id), outbox
    )


def test_an_old_client_holds_its_work_until_upgraded_then_sends_it_once(
    clerk: Clerk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(versions, "__version__", "0.1.0")
    item_id = submit_one(clerk, tmp_path, "欧阳晨", resident_id("41020319930412003"))

    held = clerk.outbox.sync()

    assert held.run.stopped is not None and "低于公积金中心要求的最低版本 0.2.0" in held.run.stopped
    assert "https://centre.example/gjj-desk-setup.exe" in held.run.stopped
    assert outbox_item(clerk, item_id).state == "queued"
    assert clerk.outbox.counts()["待上传"] == 1
    assert on_server(clerk, f"outbox-{item_id}") == []  # the centre never saw it

    monkeypatch.setattr(versions, "__version__", "0.2.0")  # installed over the old one
    sent = clerk.outbox.sync()

    assert (sent.run.stopped, sent.run.sent) == (None, 1)
    server_id = int(outbox_item(clerk, item_id).server_id or 0)
    assert on_server(clerk, f"outbox-{item_id}") == [server_id]
    notice = versions.notice()
    assert notice is not None and "有新版本 0.3.0" in notice
