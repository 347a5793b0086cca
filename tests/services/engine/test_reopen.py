"""重新修改 of a 退回 list: the rows and their documents come back, and the states say so."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from app.models import OutboxItem
from app.services.attachments import AttachmentService
from app.services.context import AppServices
from app.services.engine.history import SubmissionHistory
from app.services.engine.pending import PendingLists
from tests.open_account_list import open_account_list
from tests.services.engine.test_pending import LI, ZHANG, row

TODAY = date(2026, 11, 26)
ID_CARD = "身份证复印件"


@pytest.fixture
def pending(services: AppServices) -> PendingLists:
    return open_account_list(services, TODAY)


def _scanned_and_submitted(
    services: AppServices, pending: PendingLists, tmp_path: Path, *people: dict[str, str]
) -> tuple[int, AttachmentService]:
    attachments = AttachmentService(services.store, pending.unit_id)
    list_id = pending.list_id()
    page = tmp_path / "card.png"
    Image.new("RGB", (300, 200), "white").save(page)
    attachments.pages_of(list_id, ID_CARD).import_files([page])
    assert attachments.build("open-account", list_id, ID_CARD, services.units.policy(None))
    for person in people:
        pending.add(person)
    return pending.submit(), attachments


def _answer(services: AppServices, outbox_id: int, state: str, **extra: object) -> None:
    with services.store.session() as session:
        item = session.get_one(OutboxItem, outbox_id)
        item.state, item.server_id, item.review_state = "sent", "1", state
        item.review_reason = extra.get("reason")  # type: ignore[assignment]
        item.review_result = extra.get("result")  # type: ignore[assignment]


def test_reopening_keeps_the_documents_with_the_list(
    services: AppServices, pending: PendingLists, tmp_path: Path
) -> None:
    outbox_id, attachments = _scanned_and_submitted(services, pending, tmp_path, row())
    _answer(services, outbox_id, "退回", reason="手机号码有误")

    list_id = pending.reopen(outbox_id)

    kept = attachments.for_list(list_id)
    assert [a.material for a in kept] == [ID_CARD]
    assert kept[0].path.is_file() and not kept[0].uploaded  # the clerk may still change it
    assert len(attachments.pages_of(list_id, ID_CARD).pages()) == 1  # the originals too
    assert pending.missing_materials() == []
    attachments.remove(kept[0].id)  # and remove what must change
    assert pending.missing_materials() == [ID_CARD]


def test_states_say_what_happened_reopened_then_resubmitted(
    services: AppServices, pending: PendingLists, tmp_path: Path
) -> None:
    history = SubmissionHistory(services.store, pending.unit_id)
    outbox_id, _ = _scanned_and_submitted(services, pending, tmp_path, row())
    _answer(services, outbox_id, "退回", reason="手机号码有误")
    pending.reopen(outbox_id)
    assert [r.state for r in history.rows(("open-account",))] == ["已取回修改"]

    fixed = pending.rows()[0]
    pending.update(fixed.id, {**fixed.values, "mobile": "13900139000"})
    again = pending.submit()

    states = {r.outbox_id: r.state for r in history.rows(("open-account",))}
    assert states == {outbox_id: "已重报", again: "待上传"}


def test_a_list_approved_but_for_one_row_gives_back_only_that_row(
    services: AppServices, pending: PendingLists, tmp_path: Path
) -> None:
    outbox_id, _ = _scanned_and_submitted(
        services, pending, tmp_path, row(), row(name="李四", id_number=LI)
    )
    reason = "证件号码已在中心有未销户的个人账户"
    result = {
        "accounts": [{"name": "张三", "id_number": ZHANG, "account_no": "10000100041"}],
        "rejected_rows": [{"row": 2, "reason": reason}],
    }
    _answer(services, outbox_id, "审核通过", result=result)
    history = SubmissionHistory(services.store, pending.unit_id)

    seen = [(r.name, r.state, r.account_no, r.reason) for r in history.rows(("open-account",))]
    assert seen == [("张三", "审核通过", "10000100041", ""), ("李四", "退回", "", reason)]
    assert [r.can_reopen for r in history.rows(("open-account",))] == [False, True]

    pending.reopen(outbox_id)

    assert [r.values["name"] for r in pending.rows()] == ["李四"]
    seen_after = [(r.name, r.state) for r in history.rows(("open-account",))]
    assert seen_after == [("张三", "审核通过"), ("李四", "已取回修改")]


def test_two_rejections_corrected_in_one_list_both_read_resubmitted(
    services: AppServices, pending: PendingLists, tmp_path: Path
) -> None:
    first, _ = _scanned_and_submitted(services, pending, tmp_path, row())
    second, _ = _scanned_and_submitted(services, pending, tmp_path, row(name="李四", id_number=LI))
    for outbox_id in (first, second):
        _answer(services, outbox_id, "退回", reason="手机号码有误")
        pending.reopen(outbox_id)

    again = pending.submit()

    history = SubmissionHistory(services.store, pending.unit_id)
    states = {r.outbox_id: r.state for r in history.rows(("open-account",))}
    assert states == {first: "已重报", second: "已重报", again: "待上传"}
