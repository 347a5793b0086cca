"""The outbox against fundserver as a process: a 清册 with its 影像资料 sent once, then reviewed."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from app.cli import run
from app.models import Attachment, OutboxItem, Unit
from app.models.base import utcnow
from app.services.api import CentreClient
from app.services.api.tokens import TokenPair
from app.services.attachments import AttachmentService
from app.services.businesses import SPECS
from app.services.context import AppServices
from app.services.engine.pending import PendingLists
from app.services.outbox import OutboxSync
from app.services.session import CentreSession, KeyringTokenStore
from app.services.units import UnitInfo
from fundserver.demo import DemoCredentials
from fundserver.process import FundServerProcess
from tests.ids import resident_id

pytestmark = pytest.mark.e2e


@dataclass
class Clerk:
    """A clerk logged in to the module's fundserver, with the open-account 清册 and outbox."""

    services: AppServices
    session: CentreSession
    unit: UnitInfo
    pending: PendingLists
    attachments: AttachmentService
    outbox: OutboxSync

    def client(self) -> CentreClient:
        return self.session.client(self.unit)


@pytest.fixture
def clerk(
    services: AppServices, fundserver_url: str, demo_credentials: DemoCredentials
) -> Iterator[Clerk]:
    session = CentreSession(services)
    unit = session.login(fundserver_url, demo_credentials.unit_code, demo_credentials.password).unit
    pending = PendingLists(
        services.store, SPECS["open-account"], unit.id, lambda: services.units.policy(unit.id)
    )
    outbox = OutboxSync(services.store, unit.id, lambda: session.client(unit))
    yield Clerk(
        services, session, unit, pending, AttachmentService(services.store, unit.id), outbox
    )


def id_card_scan(folder: Path, text: str) -> Path:
    """A small PNG standing in for a scanned 身份证复印件."""
    image = Image.new("RGB", (320, 200), "white")
    ImageDraw.Draw(image).text((20, 80), text, fill="black")
    path = folder / f"{text}.png"
    image.save(path)
    return path


def submit_one(clerk: Clerk, tmp_path: Path, name: str, id_number: str) -> int:
    clerk.pending.add(
        {"name": name, "id_number": id_number, "mobile": "13800138000", "base": "5200"}
    )
    policy = clerk.services.units.policy(clerk.unit.id)
    scan = id_card_scan(tmp_path, id_number)
    clerk.attachments.add("open-account", clerk.pending.list_id(), "身份证复印件", [scan], policy)
    return clerk.pending.submit()


def outbox_item(clerk: Clerk, item_id: int) -> OutboxItem:
    with clerk.services.store.session() as session:
        return session.get_one(OutboxItem, item_id)


def on_server(clerk: Clerk, client_ref: str) -> list[int]:
    with clerk.client() as client:
        records = []
        since = 0
        while True:
            page = client.submissions(since, page_size=100)
            records += page.items
            if not page.has_more:
                break
            since = page.version
    return [r.id for r in records if r.client_ref == client_ref]


def test_a_submission_with_its_document_reaches_the_centre_once_and_is_approved(
    clerk: Clerk, fundserver: FundServerProcess, tmp_path: Path
) -> None:
    item_id = submit_one(clerk, tmp_path, "欧阳晨", resident_id("41020319930412003"))
    assert clerk.outbox.counts()["待上传"] == 1

    report = clerk.outbox.sync()

    sent = outbox_item(clerk, item_id)
    assert (report.run.sent, report.pulled) == (1, True)
    assert (sent.state, sent.review_state) == ("sent", "待审核")
    assert on_server(clerk, f"outbox-{item_id}") == [int(sent.server_id or 0)]
    with clerk.client() as client:
        record = client.submission(int(sent.server_id or 0))
    assert len(record.attachments) == 1 and record.rows[0]["name"] == "欧阳晨"

    # The answer got lost (say): the item is sent again with its key, and still recorded once.
    with clerk.services.store.session() as session:
        session.get_one(OutboxItem, item_id).state = "sending"
    again = clerk.outbox.run()
    assert (again.sent, again.replayed) == (1, 1)
    assert on_server(clerk, f"outbox-{item_id}") == [int(sent.server_id or 0)]

    approved = fundserver.review("approve", str(sent.server_id), "--json")
    assert approved.returncode == 0, approved.stderr
    account_no = json.loads(approved.stdout)["result"]["accounts"][0]["account_no"]

    assert clerk.outbox.pull_reviews() == 1
    reviewed = outbox_item(clerk, item_id)
    assert reviewed.review_state == "审核通过"
    assert reviewed.review_result is not None
    assert reviewed.review_result["accounts"][0]["account_no"] == account_no
    assert clerk.outbox.pull_reviews() == 0


def test_a_rejection_comes_back_with_its_reason_and_can_be_reopened(
    clerk: Clerk, fundserver: FundServerProcess, tmp_path: Path
) -> None:
    item_id = submit_one(clerk, tmp_path, "司马琳", resident_id("41020519960823004"))
    assert clerk.outbox.sync().run.sent == 1
    server_id = str(outbox_item(clerk, item_id).server_id)

    rejected = fundserver.review("reject", server_id, "--reason", "身份证复印件不清晰")
    assert rejected.returncode == 0, rejected.stderr
    report = clerk.outbox.sync()

    assert report.reviews_updated == 1
    item = outbox_item(clerk, item_id)
    assert (item.review_state, item.review_reason) == ("退回", "身份证复印件不清晰")
    clerk.pending.reopen(item_id)
    assert [r.values["name"] for r in clerk.pending.rows()] == ["司马琳"]
    assert clerk.outbox.sync().reviews_updated == 0  # a later pull keeps it reopened
    assert outbox_item(clerk, item_id).review_state == "已取回修改"  # not resubmitted yet
    assert [a.material for a in clerk.attachments.for_list(clerk.pending.list_id())] == [
        "身份证复印件"
    ]  # the document came back with the rows


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_sync_and_status_commands(
    clerk: Clerk, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = cli(capsys, "status", "--json")
    before = json.loads(out)
    assert code == 0 and before["logged_in"] is True and before["last_sync"] is None
    item_id = submit_one(clerk, tmp_path, "上官宇", resident_id("41020419880305005"))

    code, out, err = cli(capsys, "sync")
    assert code == 0, err
    assert "已上传 1 笔" in out and "已提交 1" in out
    assert err == ""  # no progress line: stderr is not a terminal here

    code, out, _ = cli(capsys, "status", "--json")
    status = json.loads(out)
    assert status["unit"]["code"] == clerk.unit.code
    assert status["outbox"] == {"待上传": 0, "上传中": 0, "已提交": 1, "失败": 0}
    assert status["reviews"] == {"待审核": 1} and status["last_sync"] is not None
    code, out, _ = cli(capsys, "status")
    assert "登录状态：已登录" in out and "已提交 1" in out and "从未同步" not in out

    code, out, _ = cli(capsys, "sync", "--json")
    again = json.loads(out)
    assert (code, again["ok"], again["sent"]) == (0, True, 0)
    assert outbox_item(clerk, item_id).state == "sent"


def test_sync_by_hand_sends_what_waits_out_its_backoff(
    clerk: Clerk, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Issue 15 point 13: it used to say 已上传 0 笔 and exit 0."""
    item_id = submit_one(clerk, tmp_path, "东方白", resident_id("41020219870707007"))
    with clerk.services.store.session() as session:
        item = session.get_one(OutboxItem, item_id)
        item.attempts, item.next_attempt_at = 6, utcnow() + timedelta(seconds=290)

    code, out, err = cli(capsys, "sync")

    assert code == 0, err
    assert "已上传 1 笔" in out
    assert outbox_item(clerk, item_id).state == "sent"
    code, out, _ = cli(capsys, "sync")
    assert "没有待上传的申报" in out


def test_sync_exits_2_when_offline_or_logged_out_and_keeps_the_outbox(
    clerk: Clerk, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    item_id = submit_one(clerk, tmp_path, "诸葛敏", resident_id("41020219990101006"))
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    with clerk.services.store.session() as session:
        session.get_one(Unit, clerk.unit.id).server_url = dead_url
    KeyringTokenStore(dead_url, clerk.unit.code).set(TokenPair("access", "refresh", "x"))

    code, out, err = cli(capsys, "sync", "--json")
    assert code == 2
    assert json.loads(out)["error"] == "无法连接公积金中心服务器，请检查网络后重试"
    assert outbox_item(clerk, item_id).state == "queued"

    KeyringTokenStore(dead_url, clerk.unit.code).clear()
    code, out, err = cli(capsys, "sync")
    assert code == 2 and "gjj-desk login" in err
    code, out, _ = cli(capsys, "status", "--json")
    assert json.loads(out)["logged_in"] is False
    assert json.loads(out)["outbox"]["待上传"] == 1


def test_sync_command_removes_the_originals_of_accepted_work_that_are_due(
    clerk: Clerk,
    fundserver: FundServerProcess,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """Issue 14 point 1: only the window's sync cleaned up; `gjj-desk sync` never did."""
    item_id = submit_one(clerk, tmp_path, "慕容雪", resident_id("41020319910101008"))
    assert cli(capsys, "sync")[0] == 0
    server_id = str(outbox_item(clerk, item_id).server_id)
    assert fundserver.review("approve", server_id).returncode == 0
    code, out, err = cli(capsys, "sync", "--json")
    assert code == 0, err
    assert json.loads(out)["originals_removed"] == 0  # accepted just now: kept 30 days
    with clerk.services.store.session() as session:
        session.get_one(OutboxItem, item_id).updated_at = utcnow() - timedelta(days=31)
        document = Path(
            session.get_one(Attachment, outbox_item(clerk, item_id).attachment_ids[0]).path
        )
    assert document.is_file()

    code, out, err = cli(capsys, "sync")

    assert code == 0, err
    assert "已清理 1 份审核通过且已到期的原件" in out
    assert not document.exists()
