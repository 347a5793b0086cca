"""内部转移's question to the centre when a row is added (transfer_fill), over real HTTP."""

from __future__ import annotations

import socket
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

import pytest

from app.errors import OfflineError
from app.services.api import CentreClient, MemoryTokenStore, RosterPerson
from app.services.api.tokens import TokenPair
from app.services.businesses import SPECS
from app.services.businesses.transfer import TransferLookupSource, transfer_fill
from app.services.context import AppServices
from app.services.engine.centre_rows import centre_rows_check
from app.services.engine.pending import PendingLists, RowInvalidError
from fundserver.demo import DEMO_PASSWORD, DEMO_UNIT_CODE


def _people(centre_url: str, unit_code: str, status: str) -> list[RosterPerson]:
    with CentreClient(centre_url, token_store=MemoryTokenStore()) as other:
        other.login(unit_code, DEMO_PASSWORD)
        return [p for p in other.roster(page_size=100).items if p.status == status]


def _transfers(
    services: AppServices, client: Callable[[], AbstractContextManager[TransferLookupSource]]
) -> PendingLists:
    unit = services.units.add(DEMO_UNIT_CODE, "开封示范科技有限公司")
    return PendingLists(
        services.store,
        SPECS["transfer"],
        unit.id,
        lambda: services.units.policy(unit.id),
        centre_fill=transfer_fill(client),
    )


@pytest.fixture
def transfers(services: AppServices, client: CentreClient) -> PendingLists:
    client.login(DEMO_UNIT_CODE, DEMO_PASSWORD)
    return _transfers(services, lambda: nullcontext(client))


def test_the_centres_answer_fills_the_transfer_row(
    transfers: PendingLists, centre_url: str
) -> None:
    sealed = _people(centre_url, "100002", "封存")[0]
    row = transfers.add({"name": sealed.name, "id_number": sealed.id_number})
    assert (
        row.values["from_unit_name"],
        row.values["from_unit_code"],
        row.values["account_status"],
    ) == ("开封市汴梁食品有限公司", "100002", "封存")
    assert row.values["month"]  # this month by default


def test_an_unsealed_or_unknown_person_is_refused_on_the_id_number(
    transfers: PendingLists, centre_url: str
) -> None:
    working = _people(centre_url, "100003", "正常")[0]
    with pytest.raises(RowInvalidError) as refused:
        transfers.add({"name": working.name, "id_number": working.id_number})
    assert "只有封存的账户才能转移" in refused.value.errors["id_number"]
    with pytest.raises(RowInvalidError) as unknown:
        transfers.add({"name": working.name + "甲", "id_number": working.id_number})
    assert unknown.value.errors["id_number"].startswith("中心没有姓名与证件号码都相符的职工记录")
    assert transfers.rows() == []


def test_offline_it_says_so_and_stores_nothing(services: AppServices) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    tokens = MemoryTokenStore()
    tokens.set(TokenPair("access", "refresh", DEMO_UNIT_CODE))
    with CentreClient(dead, token_store=tokens) as away:
        transfers = _transfers(services, lambda: nullcontext(away))
        with pytest.raises(OfflineError) as offline:
            transfers.add({"name": "张三", "id_number": "11010519491231002X"})
    assert offline.value.message.startswith("内部转移须联网向中心查询转出单位：无法连接")
    assert "已填写的内容仍在表单中" in offline.value.message
    assert transfers.rows() == []


def test_a_row_the_local_rules_refuse_is_not_asked_about(services: AppServices) -> None:
    asked: list[str] = []

    class Centre:
        def lookup_person(self, name: str, id_number: str) -> object:
            asked.append(name)
            raise AssertionError("the centre must not be asked")

    transfers = _transfers(services, lambda: nullcontext(Centre()))  # type: ignore[arg-type]
    with pytest.raises(RowInvalidError) as refused:
        transfers.add({"name": "张三", "id_number": "123"})
    assert "id_number" in refused.value.errors and asked == []


def test_before_transfer_the_centre_marks_a_person_pending_elsewhere(
    services: AppServices, client: CentreClient, centre_url: str
) -> None:
    client.login(DEMO_UNIT_CODE, DEMO_PASSWORD)
    transfers = _transfers(services, lambda: nullcontext(client))
    transfers.centre_check = centre_rows_check(
        lambda: nullcontext(client), "transfer", transfers.rows
    )
    sealed = _people(centre_url, "100002", "封存")[0]
    transfers.add({"name": sealed.name, "id_number": sealed.id_number})
    assert [r.errors for r in transfers.recheck()] == [{}]

    with CentreClient(centre_url, token_store=MemoryTokenStore()) as other:
        other.login("100003", DEMO_PASSWORD)
        row = {"name": sealed.name, "id_number": sealed.id_number, "month": "2025-06"}
        other.submit("transfer", [row], [], "elsewhere")
    [marked] = transfers.recheck()
    assert "已在待审核的内部转移申报" in marked.errors["id_number"]
