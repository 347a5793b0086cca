"""Issue 8 point 11 end to end: a person already open elsewhere is flagged before 全部提交;
forced through, the reviewer rejects that row only, and the clerk sees both outcomes."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.models import OutboxItem
from app.services.api import CentreClient
from app.services.api.tokens import MemoryTokenStore
from app.services.attachments import AttachmentService
from app.services.businesses import SPECS
from app.services.context import AppServices
from app.services.engine.centre_check import ALREADY_OPEN, open_account_check
from app.services.engine.history import SubmissionHistory
from app.services.engine.pending import PendingLists
from app.services.outbox import OutboxSync
from app.services.roster import RosterService
from app.services.session import CentreSession
from fundserver.demo import DemoCredentials
from fundserver.process import FundServerProcess
from tests.e2e.test_outbox_e2e import id_card_scan
from tests.ids import resident_id

pytestmark = pytest.mark.e2e


def someone_open_at(url: str, unit_code: str, password: str) -> dict[str, str]:
    with CentreClient(url, token_store=MemoryTokenStore()) as other:
        other.login(unit_code, password)
        person = next(p for p in other.roster(page_size=50).items if p.status == "正常")
    return {"name": person.name, "id_number": person.id_number}


def test_flagged_before_submit_then_rejected_alone_by_the_reviewer(
    services: AppServices,
    fresh_fundserver: FundServerProcess,
    demo_credentials: DemoCredentials,
    tmp_path: Path,
) -> None:
    url, password = fresh_fundserver.url, demo_credentials.password
    session = CentreSession(services)
    unit = session.login(url, demo_credentials.unit_code, password).unit
    pending = PendingLists(
        services.store,
        SPECS["open-account"],
        unit.id,
        lambda: services.units.policy(unit.id),
        centre_check=open_account_check(lambda: session.client(unit)),
    )
    elsewhere = someone_open_at(url, "100002", password)
    newcomer = {"name": "欧阳晨", "id_number": resident_id("41020319930412003")}
    for person in (newcomer, elsewhere):
        pending.add({**person, "mobile": "13800138000", "base": "5200"})

    # Before 全部提交 (the page rechecks the list): the row is marked, naming where.
    marks = [r.errors for r in pending.recheck()]
    assert marks[0] == {}
    assert (
        ALREADY_OPEN in marks[1]["id_number"] and "开封市汴梁食品有限公司" in marks[1]["id_number"]
    )

    # Forced through (`gjj-desk submit` does not ask the centre): sent as it is.
    attachments = AttachmentService(services.store, unit.id)
    scan = id_card_scan(tmp_path, "card")
    policy = services.units.policy(unit.id)
    attachments.add("open-account", pending.list_id(), "身份证复印件", [scan], policy)
    item_id = pending.submit()
    outbox = OutboxSync(services.store, unit.id, lambda: session.client(unit))
    assert outbox.sync().run.sent == 1
    with services.store.session() as db:
        server_id = db.get_one(OutboxItem, item_id).server_id

    # The reviewer: the whole list cannot go; that row alone goes back.
    refused = fresh_fundserver.review("approve", str(server_id))
    assert refused.returncode == 1 and "--reject-row" in refused.stderr
    approved = fresh_fundserver.review(
        "approve", str(server_id), "--reject-row", f"2={ALREADY_OPEN}"
    )
    assert approved.returncode == 0, approved.stderr

    report = outbox.sync()

    assert report.reviews_updated == 1
    rows = SubmissionHistory(services.store, unit.id).rows(("open-account",))
    seen = [(r.name, r.state, bool(r.account_no), r.reason) for r in rows]
    assert seen == [
        ("欧阳晨", "审核通过", True, ""),
        (elsewhere["name"], "退回", False, ALREADY_OPEN),
    ]
    assert [r.can_reopen for r in rows] == [False, True]
    # The approved person is in the roster at once (point 12), found by name.
    assert [p.name for p in RosterService(services.store, unit.id).search("欧阳晨")] == ["欧阳晨"]
