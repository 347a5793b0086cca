"""CentreClient end to end against fundserver running as its own process on loopback."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.errors import OfflineError, ServerRejectedError
from app.services.api import CentreClient, MemoryTokenStore, RosterPerson
from fundserver.demo import SHARED_NAME, DemoCredentials
from fundserver.process import FundServerProcess

pytestmark = pytest.mark.e2e


@pytest.fixture
def client(fundserver_url: str, demo_credentials: DemoCredentials) -> Iterator[CentreClient]:
    with CentreClient(fundserver_url, token_store=MemoryTokenStore()) as centre:
        centre.login(demo_credentials.unit_code, demo_credentials.password)
        yield centre


def _full_roster(client: CentreClient, since: int = 0) -> tuple[list[RosterPerson], int]:
    people: list[RosterPerson] = []
    version = since
    for page in client.iterate_roster(since, page_size=16):
        people += page.items
        version = page.version
    return people, version


def test_login_and_unit_profile(client: CentreClient, demo_credentials: DemoCredentials) -> None:
    profile = client.unit_profile()
    assert profile.unit_code == demo_credentials.unit_code
    assert profile.centre_name == "开封市住房公积金管理中心"
    assert profile.person_counts["total"] >= 40


def test_roster_delta_brings_only_the_newly_opened_account(
    client: CentreClient, fundserver: FundServerProcess
) -> None:
    people, version = _full_roster(client)
    assert len(people) >= 40 and len({p.account_no for p in people}) == len(people)
    assert _full_roster(client, version) == ([], version)

    row = {"name": "端木新", "id_number": "410203199205150021", "base": "5200"}
    record = client.submit("open-account", [row], [], str(uuid.uuid4()), client_ref="e2e")
    approved = fundserver.review("approve", str(record.id), "--json")
    assert approved.returncode == 0, approved.stderr
    account_no = json.loads(approved.stdout)["result"]["accounts"][0]["account_no"]

    changed, new_version = _full_roster(client, version)
    assert [(p.account_no, p.name, p.status) for p in changed] == [(account_no, "端木新", "正常")]
    assert new_version > version
    pulled = client.submissions(record.version).items
    assert [(s.id, s.state) for s in pulled] == [(record.id, "审核通过")]


def test_lookup_same_name_other_unit_and_unknown(client: CentreClient) -> None:
    people, _ = _full_roster(client)
    twins = [p for p in people if p.name == SHARED_NAME]
    assert len(twins) >= 2
    found = [client.lookup_person(p.name, p.id_number) for p in twins]
    assert [f.account_no for f in found] == [p.account_no for p in twins]
    assert all(f.in_own_unit and f.id_number_masked.endswith(p.id_number[-4:])
               for f, p in zip(found, twins, strict=True))  # fmt: skip

    with pytest.raises(ServerRejectedError) as unknown:
        client.lookup_person("查无此人", "410202199001010012")
    assert unknown.value.code == "person_not_found"
    with pytest.raises(ServerRejectedError) as mismatch:
        client.lookup_person("不是本人", twins[0].id_number)
    assert mismatch.value.code == "person_not_found"  # the same answer: no oracle


def test_lookup_someone_sealed_in_another_unit(
    fundserver_url: str, demo_credentials: DemoCredentials, client: CentreClient
) -> None:
    with CentreClient(fundserver_url, token_store=MemoryTokenStore()) as other:
        other.login("100002", demo_credentials.password)
        sealed = next(
            p for page in other.iterate_roster() for p in page.items if p.status == "封存"
        )
    found = client.lookup_person(sealed.name, sealed.id_number)
    assert (found.unit_code, found.status, found.account_no) == ("100002", "封存", None)
    assert found.unit_name == "开封市汴梁食品有限公司"


def test_upload_and_submit_twice_with_one_key_records_once(
    client: CentreClient, fundserver: FundServerProcess, tmp_path: Path
) -> None:
    content = b"%PDF-1.4\n% e2e " + uuid.uuid4().bytes + b"\n%%EOF\n"
    document = tmp_path / "离职证明.pdf"
    document.write_bytes(content)
    digest = hashlib.sha256(content).hexdigest()
    first_upload = client.upload_attachment(document, digest, "离职证明", "seal")
    assert client.upload_attachment(document, digest, "离职证明", "seal").id == first_upload.id

    rows = seal_rows(client)
    key = str(uuid.uuid4())
    first = client.submit("seal", rows, [first_upload.id], key, client_ref="seal-1")
    second = client.submit("seal", rows, [first_upload.id], key, client_ref="seal-1")
    assert second.id == first.id and (first.replayed, second.replayed) == (False, True)

    listed = fundserver.review("list", "--json")
    assert listed.returncode == 0, listed.stderr
    records = [s for s in json.loads(listed.stdout) if s["client_ref"] == "seal-1"]
    assert [s["id"] for s in records] == [first.id]


def seal_rows(client: CentreClient) -> list[dict[str, str]]:
    """A seal the centre accepts: a 正常 person of the unit, a reason, this month."""
    person = next(p for p in client.roster(page_size=50).items if p.status == "正常")
    month = datetime.now(UTC).strftime("%Y-%m")  # the centre's month: a seal may not be ahead
    return [{"account_no": person.account_no, "reason": "离职", "month": month}]


def test_killed_server_means_offline(
    fresh_fundserver: FundServerProcess, demo_credentials: DemoCredentials
) -> None:
    with CentreClient(fresh_fundserver.url, token_store=MemoryTokenStore()) as client:
        client.login(demo_credentials.unit_code, demo_credentials.password)
        assert client.unit_profile().unit_code == demo_credentials.unit_code
        fresh_fundserver.stop()
        with pytest.raises(OfflineError) as caught:
            client.unit_profile()
    assert "无法连接" in caught.value.message


def test_a_restarted_server_keeps_its_port_and_its_records(
    fresh_fundserver: FundServerProcess, demo_credentials: DemoCredentials
) -> None:
    with CentreClient(fresh_fundserver.url, token_store=MemoryTokenStore()) as client:
        client.login(demo_credentials.unit_code, demo_credentials.password)
        rows = seal_rows(client)
        first = client.submit("seal", rows, [], "restart-key")
        fresh_fundserver.stop()
        restarted = FundServerProcess(
            fresh_fundserver.folder, seed="none", port=fresh_fundserver.port
        )
        try:
            assert restarted.url == fresh_fundserver.url
            again = client.submit("seal", rows, [], "restart-key")  # tokens survive too
            assert (again.id, again.replayed) == (first.id, True)
        finally:
            restarted.stop()
