"""The 核定单 and 补缴清单 as a clerk reads them: centre, unit, month(s), figures, every person,
submission number and state; the PDF is A4 with the Chinese text in it."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from app.errors import BadInputError
from app.models import OutboxItem
from app.services.context import AppServices
from app.services.payments.document import build_document, to_html

PEOPLE = [
    {"month": "2026-10", "account_no": "A", "name": "王伟", "base": "5000.00",
     "amount": "1200.00", "change": ""},
    {"month": "2026-10", "account_no": "B", "name": "欧阳建华", "base": "2500.00",
     "amount": "600.00", "change": "开户或转入"},
]  # fmt: skip
SEPTEMBER = [
    {**PEOPLE[0], "month": "2026-09"},
    {**PEOPLE[0], "month": "2026-09", "account_no": "E"},
]


@pytest.fixture
def unit_id(services: AppServices) -> int:
    unit = services.units.add("100001", "开封示范科技有限公司")
    with services.store.session() as session:
        session.add_all(
            [
                OutboxItem(unit_id=unit.id, business="remittance", idempotency_key="sep",
                           rows=SEPTEMBER, state="sent", server_id="11", review_state="审核通过"),
                OutboxItem(unit_id=unit.id, business="remittance", idempotency_key="oct",
                           rows=PEOPLE, state="sent", server_id="12", review_state="审核通过",
                           review_result={"suspense_used": "1286.40", "assessed_total": "513.60"}),
                OutboxItem(unit_id=unit.id, business="back-payment", idempotency_key="bp",
                           rows=[{"account_no": "A", "name": "王伟", "reason": "漏缴",
                                  "start_month": "2026-01", "end_month": "2026-03",
                                  "months": "3", "amount": "3600.00"}], state="queued"),
            ]
        )  # fmt: skip
    return unit.id


def _document(services: AppServices, unit_id: int, business: str, number: int) -> str:
    return to_html(
        build_document(
            services.store, unit_id, business, number, centre_name="开封市住房公积金管理中心",
            unit_code="100001", unit_name="开封示范科技有限公司", today=date(2026, 11, 26),
        )
    )  # fmt: skip


def test_the_remittance_form_has_every_figure_and_person(
    services: AppServices, unit_id: int
) -> None:
    text = _document(services, unit_id, "remittance", 2)
    for expected in (
        "开封市住房公积金管理中心",
        "汇缴核定单",
        "开封示范科技有限公司",
        "100001",
        "2026-10",
        "2（中心受理编号 12）",
        "审核通过",
        "上月人数/金额",
        "2 人，2,400.00 元",
        "本月人数/金额",
        "2 人，1,800.00 元",
        "本月增加",
        "1 人，600.00 元",
        "本月减少",
        "1 人，1,200.00 元",
        "1,286.40 元",
        "513.60 元",
        "欧阳建华",
        "增加（开户或转入）",
    ):
        assert expected in text, expected


def test_the_back_payment_list_before_review(services: AppServices, unit_id: int) -> None:
    text = _document(services, unit_id, "back-payment", 3)
    for expected in ("补缴核定清单", "2026-01 至 2026-03", "待上传", "漏缴", "3,600.00 元"):
        assert expected in text, expected


def test_a_number_of_another_business_is_refused(services: AppServices, unit_id: int) -> None:
    with pytest.raises(BadInputError, match="没有编号为 3 的汇缴核定提交"):
        _document(services, unit_id, "remittance", 3)


def test_print_writes_an_a4_pdf_with_the_chinese_text(
    services: AppServices, unit_id: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import run

    services.units.switch("100001")
    target = tmp_path / "核定单.pdf"
    assert run(["print", "remittance", "2", "-o", str(target), "--json"]) == 0
    assert '"rows": 2' in capsys.readouterr().out
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True)
    assert "pts (A4)" in info.stdout
    words = subprocess.run(
        ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "汇缴核定单" in words and "欧阳建华" in words and "1,286.40" in words
