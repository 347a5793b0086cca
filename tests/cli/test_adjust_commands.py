"""`add`, `export`, `validate`, `import`, `review` for the adjustments: what a script sees."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from PIL import Image

from app.cli import run
from app.models import OutboxItem, RosterPerson, Unit
from app.services.context import AppServices


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def unit(capsys: pytest.CaptureFixture[str], services: AppServices) -> AppServices:
    assert cli(capsys, "unit", "add", "100001", "开封市示范机械厂")[0] == 0
    with services.store.session() as session:
        unit = session.query(Unit).one()
        unit.profile = {"unit_ratio": "0.12", "personal_ratio": "0.12", "paid_to": "2026-10"}
        for n, name in enumerate(("张三", "李四")):
            session.add(
                RosterPerson(
                    unit_id=unit.id,
                    account_no=f"4100000{n}",
                    name=name,
                    id_number=f"41020319900101000{n}",
                    status="正常",
                    base=Decimal("5000"),
                    unit_ratio=Decimal("0.12"),
                    personal_ratio=Decimal("0.12"),
                )
            )
    return services


def test_add_a_ratio_change_by_labels(
    capsys: pytest.CaptureFixture[str], unit: AppServices
) -> None:
    code, _, err = cli(
        capsys, "add", "ratio-change", "调整年月=2027-01", "单位缴存比例=10%", "个人缴存比例=9%"
    )
    assert code == 0, err
    code, out, _ = cli(capsys, "pending", "list", "ratio-change", "--json")
    values = json.loads(out)[0]["values"]
    assert (values["effective_month"], values["unit_ratio"], values["personal_ratio"]) == (
        "2027-01",
        "0.1",
        "0.09",
    )
    assert values["old_unit_ratio"] == "0.12"
    code, out, err = cli(capsys, "add", "ratio-change", "调整年月=2026-09")
    assert code == 1 and "单位缴存比例" in out + err


def test_export_edit_validate_import_review(
    capsys: pytest.CaptureFixture[str], unit: AppServices, tmp_path: Path
) -> None:
    path = tmp_path / "职工.xlsx"
    code, out, _ = cli(capsys, "export", "base-change", "-o", str(path), "--json")
    assert code == 0 and json.loads(out)["employees"] == 2
    book = openpyxl.load_workbook(path)
    sheet = book["缴存职工"]
    sheet["I4"], sheet["I5"] = 1201, 1320  # no base gives 1201 at 12 % + 12 %
    book.save(path)
    code, out, _ = cli(capsys, "validate", "base-change", str(path), "--json")
    problems = json.loads(out)["problems"]
    assert code == 1 and [(p["row"], p["column"]) for p in problems] == [(4, "调整后月缴存额")]
    assert "1,200.00 或 1,202.00" in problems[0]["message"]
    code, out, err = cli(capsys, "import", "base-change", str(path))
    assert code == 1 and "1 处错误，未导入" in err and "1,202.00" in out

    sheet["I4"] = 1200
    book.save(path)
    code, out, _ = cli(capsys, "import", "base-change", str(path), "--month", "2026-12")
    assert code == 0 and "已导入 2 行" in out and "调整 1 人，未变化 1 人" in out
    code, out, _ = cli(capsys, "pending", "list", "base-change", "--json")
    values = {r["values"]["name"]: r["values"] for r in json.loads(out)}
    assert (values["李四"]["old_base"], values["李四"]["base"]) == ("5000.00", "5500.00")
    assert values["李四"]["effective_month"] == "2026-12"
    code, out, _ = cli(capsys, "review", "base-change")
    assert code == 0 and out.index("李四") < out.index("张三") and "月缴存额合计" in out


def test_open_account_import_is_still_the_batch_import(
    capsys: pytest.CaptureFixture[str], unit: AppServices, tmp_path: Path
) -> None:
    path = tmp_path / "x.csv"
    path.write_text("姓名,证件号码,缴存基数\n周九,41020319900101000X,4300\n", encoding="utf-8")
    code, out, _ = cli(capsys, "validate", "open-account", str(path), "--json")
    problems = json.loads(out)  # the batch import's list, not the base change's report
    assert code == 1 and isinstance(problems, list)
    assert any(p["column"] == "手机号码" for p in problems)


def test_a_lower_ratio_is_not_submitted_without_the_resolution(
    capsys: pytest.CaptureFixture[str], unit: AppServices, tmp_path: Path
) -> None:
    cli(capsys, "add", "ratio-change", "调整年月=2027-01", "单位缴存比例=10%", "个人缴存比例=9%")
    code, out, err = cli(capsys, "submit", "ratio-change")
    assert code == 1
    assert "新比例低于本单位现行比例，须上传影像资料：职工代表大会或工会决议" in err + out
    scan = tmp_path / "决议.png"
    Image.new("RGB", (300, 200), "white").save(scan)
    code, out, err = cli(
        capsys, "submit", "ratio-change", "--attach", f"职工代表大会或工会决议={scan}"
    )
    assert code == 0, err + out


def test_history_shows_each_state_with_its_day(
    capsys: pytest.CaptureFixture[str], unit: AppServices, tmp_path: Path
) -> None:
    with unit.store.session() as session:
        session.add(
            OutboxItem(
                unit_id=session.query(Unit).one().id,
                business="ratio-change",
                idempotency_key="k",
                rows=[
                    {"effective_month": "2027-01", "unit_ratio": "0.1", "personal_ratio": "0.09"}
                ],
                state="sent",
                server_id="7",
                review_state="已复核",
                review_result={"reviewed_on": "2026-11-25"},
            )
        )
    code, out, _ = cli(capsys, "history", "ratio-change")
    assert code == 0
    assert "已复核（2026-11-25）" in out and "10%" in out and "2027-01" in out
    assert "已复核" in out.splitlines()[-1] and "已使用" in out.splitlines()[-1]  # the sentence
    code, out, _ = cli(capsys, "history", "ratio-change", "--json")
    (change,) = json.loads(out)
    assert (change["status"], change["status_on"], change["effective_month"]) == (
        "已复核",
        "2026-11-25",
        "2027-01",
    )
    code, out, _ = cli(capsys, "history", "seal", "--json")  # the other businesses as before
    assert code == 0 and json.loads(out) == []
