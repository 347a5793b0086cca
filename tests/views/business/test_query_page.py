"""开户查询: submitted work with its review state; a 退回 one goes back to the 清册 for fixing."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.models import OutboxItem
from app.services.businesses import SPECS
from app.services.context import AppServices
from app.services.engine.history import SubmissionHistory
from app.services.engine.pending import PendingLists
from app.services.outbox import requeue_failed
from app.views.business.query_page import COLUMNS, QueryPage


def person(name: str, id_number: str) -> dict[str, str]:
    return {"name": name, "id_number": id_number, "mobile": "13903781234", "base": "5000.00"}


@pytest.fixture
def unit_id(services: AppServices) -> int:
    unit = services.units.add("100001", "开封示范科技有限公司")
    with services.store.session() as session:
        session.add_all(
            [
                OutboxItem(
                    unit_id=unit.id,
                    business="open-account",
                    idempotency_key="k1",
                    rows=[
                        person("王建国", "410203198805160013"),
                        person("李秀英", "410205199203081526"),
                    ],
                    state="sent",
                    review_state="审核通过",
                    review_result={
                        "accounts": [
                            {"id_number": "410203198805160013", "account_no": "10000100041"},
                            {"id_number": "410205199203081526", "account_no": "10000100042"},
                        ]
                    },
                    created_at=datetime(2026, 11, 20, 9, 30),
                ),
                OutboxItem(
                    unit_id=unit.id,
                    business="open-account",
                    idempotency_key="k2",
                    rows=[person("赵敏", "41020319950101002X")],
                    state="sent",
                    review_state="退回",
                    review_reason="手机号码与本人不符",
                    created_at=datetime(2026, 11, 25, 14, 0),
                ),
                OutboxItem(
                    unit_id=unit.id,
                    business="open-account",
                    idempotency_key="k3",
                    rows=[person("孙磊", "410211199001011234")],
                    state="failed",
                    last_error="中心拒收：证件号码已在其他单位开户",
                    created_at=datetime(2026, 11, 26, 8, 0),
                ),
                OutboxItem(
                    unit_id=unit.id,
                    business="seal",
                    idempotency_key="k4",
                    rows=[person("不相关", "410211199001011234")],
                    state="queued",
                ),
            ]
        )
    return unit.id


@pytest.fixture
def page(qtbot: QtBot, services: AppServices, unit_id: int) -> QueryPage:
    def reopen(code: str, outbox_id: int) -> str:
        policy = lambda: services.units.policy(unit_id)  # noqa: E731
        PendingLists(services.store, SPECS[code], unit_id, policy).reopen(outbox_id)
        return SPECS[code].list_name

    widget = QueryPage(
        "开户查询",
        SubmissionHistory(services.store, unit_id),
        ("open-account",),
        reopen,
        today=lambda: date(2026, 11, 26),
        retry=lambda outbox_id: requeue_failed(services.store, unit_id, outbox_id),
    )
    qtbot.addWidget(widget)
    widget.show()
    return widget


def shown(page: QueryPage) -> list[tuple[str, ...]]:
    model = page.model
    return [tuple(model.index(r, c).data() for c in (2, 4, 5, 6)) for r in range(model.rowCount())]


def test_every_person_with_state_reason_and_new_account(page: QueryPage) -> None:
    assert shown(page) == [
        ("孙磊", "", "失败", "中心拒收：证件号码已在其他单位开户"),
        ("赵敏", "", "退回", "手机号码与本人不符"),
        ("王建国", "10000100041", "审核通过", ""),
        ("李秀英", "10000100042", "审核通过", ""),
    ]
    assert page.message.text() == "共 3 笔提交，4 人"


def test_filters_by_state_person_and_time(page: QueryPage) -> None:
    page.state.setCurrentText("审核通过")
    assert [r[0] for r in shown(page)] == ["王建国", "李秀英"]
    page.state.setCurrentIndex(0)
    page.person.setText("10000100042")
    page.refresh()
    assert [r[0] for r in shown(page)] == ["李秀英"]
    page.person.clear()
    page.period.setCurrentText("近 7 天")  # since 2026-11-19: all three
    assert len(shown(page)) == 4
    page.period.setCurrentText("今天")
    assert [r[0] for r in shown(page)] == ["孙磊"]


def test_a_rejected_submission_goes_back_to_the_list(
    qtbot: QtBot, page: QueryPage, services: AppServices, unit_id: int
) -> None:
    page.table.selectRow(0)  # 失败 on arrival: it can be fixed (reopen) or simply resent
    assert page.reopen_button.isEnabled() and page.retry_button.isEnabled()
    page.table.selectRow(1)
    assert page.reopen_button.isEnabled()
    qtbot.mouseClick(page.reopen_button, Qt.MouseButton.LeftButton)
    assert "已放回待开户清册" in page.message.text()
    pending = PendingLists(
        services.store, SPECS["open-account"], unit_id, lambda: services.units.policy(unit_id)
    )
    assert [r.values["name"] for r in pending.rows()] == ["赵敏"]
    assert shown(page)[1][2] == "已取回修改"  # nothing resubmitted yet (issue 8 point 14)


def test_history_model_is_a_well_behaved_qt_model(page: QueryPage, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(page.model)


def test_a_failed_submission_can_be_queued_again_as_it_is(
    qtbot: QtBot, page: QueryPage, services: AppServices
) -> None:
    page.table.selectRow(0)
    qtbot.mouseClick(page.retry_button, Qt.MouseButton.LeftButton)
    assert "已重新排队" in page.message.text()
    assert shown(page)[0][2] == "待上传"
    with services.store.session() as session:
        key = session.scalars(
            select(OutboxItem.idempotency_key).where(
                OutboxItem.state == "queued", OutboxItem.business == "open-account"
            )
        ).all()
    assert key == ["k3"]  # the same key: resending can never make a second record


def test_a_failed_submission_can_be_corrected_in_the_list(
    qtbot: QtBot, page: QueryPage, services: AppServices, unit_id: int
) -> None:
    page.table.selectRow(0)  # 孙磊, 失败: refused on arrival, never recorded by the centre
    qtbot.mouseClick(page.reopen_button, Qt.MouseButton.LeftButton)
    pending = PendingLists(
        services.store, SPECS["open-account"], unit_id, lambda: services.units.policy(unit_id)
    )
    assert [r.values["name"] for r in pending.rows()] == ["孙磊"]
    assert shown(page)[0][2] == "已取回修改"
    assert not page.retry_button.isEnabled()  # once in the list, it goes again from there


def test_an_empty_list_still_shows_every_header_with_room(page: QueryPage) -> None:
    page.person.setText("没有这个人")
    page.refresh()
    assert page.model.rowCount() == 0
    metrics = page.table.fontMetrics()
    for column, header in enumerate(COLUMNS[:-1]):  # 说明, the last, takes what is left
        assert page.table.columnWidth(column) >= metrics.horizontalAdvance(header + "00")
