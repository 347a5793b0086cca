"""The roster cache synced from fundserver running as its own process, then looked up offline."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from app.errors import OfflineError
from app.services.api import CentreClient, MemoryTokenStore, RosterPage
from app.services.context import AppServices
from app.services.roster import LookupKey, LookupState, RosterService, SyncCounts, fetch_from
from fundserver.demo import SHARED_NAME, DemoCredentials
from fundserver.process import FundServerProcess

pytestmark = pytest.mark.e2e


def login(url: str, credentials: DemoCredentials) -> CentreClient:
    client = CentreClient(url, token_store=MemoryTokenStore())
    client.login(credentials.unit_code, credentials.password)
    return client


@pytest.fixture
def client(fundserver_url: str, demo_credentials: DemoCredentials) -> Iterator[CentreClient]:
    with login(fundserver_url, demo_credentials) as centre:
        yield centre


@pytest.fixture
def roster(services: AppServices, demo_credentials: DemoCredentials) -> RosterService:
    unit = services.units.add(demo_credentials.unit_code, "开封示范科技有限公司")
    return RosterService(services.store, unit.id)


def server_roster(client: CentreClient) -> dict[str, Any]:
    people = [p for page in client.iterate_roster(0, page_size=100) for p in page.items]
    return {p.account_no: p for p in people if p.status != "销户"}


def test_sync_the_demo_unit_then_look_people_up_by_each_key(
    client: CentreClient, roster: RosterService
) -> None:
    counts = roster.sync(fetch_from(client, page_size=7))

    on_server = server_roster(client)
    assert counts.added == len(on_server) >= 40
    assert roster.count() == len(on_server)
    assert roster.sync(fetch_from(client)) == SyncCounts(version=counts.version)

    names = Counter(p.name for p in on_server.values())
    unique = next(p for p in on_server.values() if names[p.name] == 1)
    for text, key in (
        (unique.name, LookupKey.NAME),
        (unique.account_no, LookupKey.ACCOUNT_NO),
        (unique.id_number, LookupKey.ID_NUMBER),
        (unique.id_number.lower(), None),
    ):
        result = roster.resolve(text, key)
        assert result.state is LookupState.ONE, (text, key)
        found = result.persons[0]
        assert (found.account_no, found.name, found.id_number, found.status) == (
            unique.account_no,
            unique.name,
            unique.id_number,
            unique.status,
        )
        assert found.monthly_amount == unique.monthly_total
        assert found.base == unique.base

    twins = roster.resolve(SHARED_NAME)
    assert twins.state is LookupState.MANY
    assert sorted(p.account_no for p in twins.persons) == sorted(
        p.account_no for p in on_server.values() if p.name == SHARED_NAME
    )
    nobody = roster.resolve("查无此人")
    assert nobody.state is LookupState.NONE and "查无此人" in nobody.message
    assert [p.account_no for p in roster.search(unique.id_number[-6:])] == [unique.account_no]


def test_a_newly_approved_account_arrives_by_delta(
    client: CentreClient, roster: RosterService, fundserver: FundServerProcess
) -> None:
    before = roster.sync(fetch_from(client))
    row = {"name": "端木新", "id_number": "410203199205150021", "base": "5200"}
    record = client.submit("open-account", [row], [], str(uuid.uuid4()), client_ref="roster-e2e")
    approved = fundserver.review("approve", str(record.id), "--json")
    assert approved.returncode == 0, approved.stderr
    account_no = json.loads(approved.stdout)["result"]["accounts"][0]["account_no"]

    after = roster.sync(fetch_from(client))

    assert (after.added, after.changed, after.removed) == (1, 0, 0)
    assert after.version > before.version
    result = roster.resolve("端木新")
    assert result.state is LookupState.ONE
    assert result.persons[0].account_no == account_no
    assert roster.resolve("410203199205150021").persons[0].name == "端木新"


def test_a_sync_cut_off_by_the_server_dying_resumes_after_restart(
    fresh_fundserver: FundServerProcess, roster: RosterService, demo_credentials: DemoCredentials
) -> None:
    client = login(fresh_fundserver.url, demo_credentials)
    pages: list[RosterPage] = []

    def fetch_then_die(since: int) -> RosterPage:
        if len(pages) == 2:
            fresh_fundserver.stop()  # the centre goes away between two pages
        page = client.roster(since, page=1, page_size=10)
        pages.append(page)
        return page

    with pytest.raises(OfflineError):
        roster.sync(fetch_then_die)
    client.close()

    assert roster.version() == pages[1].version  # both pages that arrived are kept
    assert roster.count() == 20
    restarted = FundServerProcess(fresh_fundserver.folder, seed="none")
    try:
        with login(restarted.url, demo_credentials) as again:
            counts = roster.sync(fetch_from(again, page_size=10))
            assert counts.added == len(server_roster(again)) - 20
            assert roster.count() == len(server_roster(again))
    finally:
        restarted.stop()
