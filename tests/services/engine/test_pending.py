"""The business engine through 个人开户: rows checked, derived, listed, deleted, submitted."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.errors import BadInputError
from app.models import Attachment, OutboxItem, PendingRow, RosterPerson
from app.services.businesses import open_account
from app.services.context import AppServices
from app.services.engine.pending import PendingLists, RowInvalidError
from tests.ids import gb11643
from tests.open_account_list import open_account_list

TODAY = date(2026, 11, 26)


def resident_id(region: str, birth: str, seq: str) -> str:
    first17 = region + birth + seq
    return first17 + gb11643(first17)


ZHANG = resident_id("410203", "19900101", "123")  # male (3 is odd)
LI = resident_id("410205", "19950615", "024")  # female


@pytest.fixture
def pending(services: AppServices) -> PendingLists:
    return open_account_list(services, TODAY)


def attach_id_card(services: AppServices, pending: PendingLists) -> None:
    """The required 身份证复印件, as a recorded document of the open list."""
    with services.store.session() as session:
        session.add(
            Attachment(
                unit_id=pending.unit_id,
                business="open-account",
                material="身份证复印件",
                list_id=pending.list_id(),
                path="/tmp/x.pdf",
                sha256="0" * 64,
                size=10,
            )
        )


def row(**overrides: str) -> dict[str, str]:
    values = {"name": "张三", "id_number": ZHANG, "mobile": "13800138000", "base": "5,000元"}
    values.update(overrides)
    return values


def test_a_row_gets_its_derived_fields(pending: PendingLists) -> None:
    added = pending.add(row())
    values = added.values
    assert values["sex"] == "男" and values["birth_date"] == "1990-01-01"
    assert values["id_type"] == "居民身份证"
    assert values["base"] == "5000.00"
    assert (values["unit_ratio"], values["personal_ratio"]) == ("0.12", "0.10")
    assert (values["unit_amount"], values["personal_amount"], values["monthly_amount"]) == (
        "600.00",
        "500.00",
        "1100.00",
    )
    assert values["start_month"] == "2026-12"  # the month after today
    assert (
        pending.add(row(name="李四", id_number=LI, hire_date="2026-09-15")).values["start_month"]
        == "2026-10"
    )


def test_every_problem_of_a_row_is_named_beside_its_field(pending: PendingLists) -> None:
    with pytest.raises(RowInvalidError) as caught:
        pending.add(
            row(
                name="张3",
                id_number=ZHANG[:-1] + "0" if ZHANG[-1] != "0" else ZHANG[:-1] + "1",
                mobile="1380013800",
                base="abc",
                sex="女",
            )
        )
    errors = caught.value.errors
    assert set(errors) >= {"name", "id_number", "mobile", "base"}
    assert "校验码" in errors["id_number"]
    assert "abc" in errors["base"]
    assert pending.rows() == []  # nothing stored


def test_sex_typed_against_the_id_is_refused(pending: PendingLists) -> None:
    with pytest.raises(RowInvalidError) as caught:
        pending.add(row(sex="女"))
    assert caught.value.errors == {"sex": "性别与证件号码不符（证件号码显示为男）"}


def test_policy_limits_apply(pending: PendingLists) -> None:
    with pytest.raises(RowInvalidError) as caught:
        pending.add(row(base="1500", unit_ratio="15%"))
    assert "低于中心规定的下限 1,900.00" in caught.value.errors["base"]
    assert "15%" in caught.value.errors["unit_ratio"]


def test_duplicates_against_the_list_and_the_roster(
    pending: PendingLists, services: AppServices
) -> None:
    pending.add(row())
    with pytest.raises(RowInvalidError) as caught:
        pending.add(row(name="张三丰", id_number=ZHANG.lower()))
    assert "已在待开户清册中" in caught.value.errors["id_number"]
    with services.store.session() as session:
        session.add(
            RosterPerson(
                unit_id=pending.unit_id,
                account_no="4100001",
                name="李四",
                id_number=LI,
                status="封存",
            )
        )
    with pytest.raises(RowInvalidError) as caught:
        pending.add(row(name="李四", id_number=LI))
    assert "已在本单位开户（个人账号 4100001，状态：封存）" in caught.value.errors["id_number"]


def test_modify_delete_and_undo(pending: PendingLists) -> None:
    first = pending.add(row())
    changed = pending.update(first.id, {**first.values, "base": "6000"})
    assert changed.values["monthly_amount"] == "1320.00"
    assert pending.update(first.id, {**changed.values}).values == changed.values  # not a self-dup
    pending.delete(first.id)
    assert pending.rows() == []
    assert pending.undo_delete(first.id).values["base"] == "6000.00"
    assert [r.id for r in pending.rows()] == [first.id]
    summary = pending.summary()
    assert (summary.count, summary.totals["monthly_amount"]) == (1, Decimal("1320.00"))


def test_undo_is_refused_when_the_person_was_entered_again(pending: PendingLists) -> None:
    first = pending.add(row())
    pending.delete(first.id)
    pending.add(row(mobile="13900139000"))
    with pytest.raises(BadInputError, match="已重新录入"):
        pending.undo_delete(first.id)


def test_submit_needs_required_materials_then_queues_exactly_one_item(
    pending: PendingLists, services: AppServices
) -> None:
    with pytest.raises(BadInputError, match="为空"):
        pending.submit()
    pending.add(row())
    pending.add(row(name="李四", id_number=LI))
    with pytest.raises(BadInputError, match="身份证复印件"):
        pending.submit()
    attach_id_card(services, pending)
    outbox_id = pending.submit()
    with services.store.session() as session:
        item = session.get_one(OutboxItem, outbox_id)
        assert item.state == "queued" and len(item.rows) == 2 and len(item.attachment_ids) == 1
        assert [r["name"] for r in item.rows] == ["张三", "李四"]
    assert pending.rows() == []  # a fresh list for the next batch


def test_a_rejected_submission_can_be_reopened_and_resubmitted(
    pending: PendingLists, services: AppServices
) -> None:
    services.store  # noqa: B018 - the fixture made the unit
    attach_id_card(services, pending)
    pending.add(row())
    outbox_id = pending.submit()
    with pytest.raises(BadInputError, match="被退回"):
        pending.reopen(outbox_id)
    with services.store.session() as session:
        item = session.get_one(OutboxItem, outbox_id)
        item.state, item.review_state, item.review_reason = "sent", "退回", "手机号码有误"
    pending.reopen(outbox_id)
    rows = pending.rows()
    assert [r.values["name"] for r in rows] == ["张三"]
    assert "退回重报" in (rows[0].source or "")
    pending.update(rows[0].id, {**rows[0].values, "mobile": "13900139000"})
    with services.store.session() as session:
        keys = session.scalars(select(OutboxItem.idempotency_key)).all()
    assert len(keys) == 1


def test_a_row_added_while_submitting_goes_to_the_next_list_not_a_sent_one(
    pending: PendingLists, services: AppServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer (an import, the command line) adding a row during 全部提交 must wait for
    it and then land in the next open list: never in the submitted one, never lost."""
    attach_id_card(services, pending)
    pending.add(row())
    other = PendingLists(
        services.store, open_account.SPEC, pending.unit_id, pending._policy, today=lambda: TODAY
    )
    racer: dict[str, threading.Thread] = {}
    original = PendingLists.context

    def context_while_a_writer_races(self, session, plist=None):  # type: ignore[no-untyped-def]
        if self is pending and "thread" not in racer:
            racer["thread"] = threading.Thread(
                target=other.add, args=(row(name="李四", id_number=LI),)
            )
            racer["thread"].start()
            racer["thread"].join(timeout=0.3)
            assert racer["thread"].is_alive(), "the other writer did not wait for the lock"
        return original(self, session, plist)

    monkeypatch.setattr(PendingLists, "context", context_while_a_writer_races)
    outbox_id = pending.submit()
    racer["thread"].join(timeout=10)
    assert not racer["thread"].is_alive()
    with services.store.session() as session:
        sent = session.get_one(OutboxItem, outbox_id)
        assert [r["name"] for r in sent.rows] == ["张三"]
        submitted_rows = session.scalars(
            select(PendingRow.data).where(PendingRow.list_id == sent.list_id)
        ).all()
    assert [r["name"] for r in submitted_rows] == ["张三"]  # nothing slipped in after the check
    assert [r.values["name"] for r in pending.rows()] == ["李四"]
