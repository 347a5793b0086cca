"""`gjj-desk add|submit back-payment`: the command line keeps the 补缴 rules the window keeps
(起缴年月, months already back-paid, the evidence material above the threshold).

Months are counted from today's month (the command line checks against the real date): the
employee started 12 months ago, pays 5000 × (12% + 12%) = 1200 a month.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from app.models import RosterPerson, Unit
from app.services.context import AppServices
from app.services.rules.yearmonth import YearMonth
from tests.cli.console import cli
from tests.ids import resident_id

ZHANG = resident_id("41020419900101123")
NOW = YearMonth.today(date.today())
STARTED = NOW - 12


@pytest.fixture
def unit(capsys: pytest.CaptureFixture[str], services: AppServices) -> AppServices:
    """A unit with 张三 in its roster, paying since 12 months ago."""
    assert cli(capsys, "unit", "add", "100001", "开封市示范机械厂")[0] == 0
    with services.store.session() as session:
        unit = session.query(Unit).one()
        session.add(
            RosterPerson(
                unit_id=unit.id, account_no="10000100007", name="张三", id_number=ZHANG,
                status="正常", base=Decimal("5000"), unit_ratio=Decimal("0.12"),
                personal_ratio=Decimal("0.12"), opened_on=STARTED.first_day(),
            )
        )  # fmt: skip
    return services


def add(capsys: pytest.CaptureFixture[str], start: YearMonth, end: YearMonth) -> tuple[int, str]:
    code, out, err = cli(
        capsys, "add", "back-payment", f"证件号码={ZHANG}", "补缴原因=漏缴",
        f"起始年月={start}", f"终止年月={end}",
    )  # fmt: skip
    return code, out + err


def scan(tmp_path: Path) -> Path:
    path = tmp_path / "evidence.png"
    Image.new("RGB", (600, 400), "white").save(path)
    return path


def test_a_month_before_the_start_of_payment_is_refused(
    capsys: pytest.CaptureFixture[str], unit: AppServices
) -> None:
    code, said = add(capsys, STARTED - 2, STARTED - 1)
    assert code == 1
    assert f"早于该职工的起缴年月 {STARTED}" in said
    code, said = add(capsys, STARTED, STARTED + 1)
    assert code == 0, said
    assert "已添加到待补缴清册：张三" in said


def test_months_already_back_paid_are_refused_after_submit(
    capsys: pytest.CaptureFixture[str], unit: AppServices, tmp_path: Path
) -> None:
    assert add(capsys, NOW - 3, NOW - 2)[0] == 0
    code, out, err = cli(capsys, "submit", "back-payment", "--attach", f"工资凭证={scan(tmp_path)}")
    assert code == 0, err
    code, said = add(capsys, NOW - 2, NOW - 1)
    assert code == 1
    assert f"张三 的 {NOW - 2}–{NOW - 2} 已补缴" in said
    assert "同一月份不能重复补缴" in said
    assert add(capsys, NOW - 1, NOW - 1)[0] == 0  # the month not yet back-paid is fine


def test_an_amount_above_the_threshold_needs_the_evidence_at_submit(
    capsys: pytest.CaptureFixture[str], unit: AppServices, tmp_path: Path
) -> None:
    assert add(capsys, NOW - 11, NOW - 1)[0] == 0  # 11 × 1200 = 13200 > 10000
    wage = f"工资凭证={scan(tmp_path)}"
    code, _, err = cli(capsys, "submit", "back-payment", "--attach", wage)
    assert code == 1
    assert "补缴金额超过 10000.00 元的，须上传影像资料：补缴情况说明" in err
    code, out, err = cli(
        capsys, "submit", "back-payment", "--attach", wage,
        "--attach", f"补缴情况说明={scan(tmp_path)}",
    )  # fmt: skip
    assert code == 0, err
    assert "已提交 1 条" in out
