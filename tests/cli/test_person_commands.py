"""`add`, `roster list` and the generic commands for 封存 / 启封: what a script sees."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image

from app.cli import run
from app.models import Unit
from app.services.context import AppServices
from tests.people import QIAN, SUN_A, ZHAO, seed_roster


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = run(list(argv))
    out, _err = capsys.readouterr()
    return code, out


@pytest.fixture
def unit(capsys: pytest.CaptureFixture[str], services: AppServices) -> AppServices:
    assert cli(capsys, "unit", "add", "100001", "开封市示范机械厂")[0] == 0
    with services.store.session() as session:
        found = session.query(Unit).one()
        found.profile = {"unit_ratio": "0.12", "personal_ratio": "0.12"}
        unit_id = found.id
    seed_roster(services, unit_id)
    return services


def pending(capsys: pytest.CaptureFixture[str], business: str) -> list[dict[str, object]]:
    code, out = cli(capsys, "pending", "list", business, "--json")
    assert code == 0
    rows: list[dict[str, object]] = json.loads(out)
    return rows


def test_roster_list_gives_each_person_and_filters_by_status(
    capsys: pytest.CaptureFixture[str], unit: AppServices
) -> None:
    code, out = cli(capsys, "roster", "list", "--json")
    assert code == 0
    people = json.loads(out)
    assert people[0] == {
        "name": "赵一",
        "account_no": ZHAO.account_no,
        "id_number": ZHAO.id_number,
        "status": "正常",
        "base": "6000.00",
        "monthly_amount": "1440.00",
    }
    code, out = cli(capsys, "roster", "list", "--status", "封存", "--json")
    assert [p["name"] for p in json.loads(out)] == ["钱二", "孙三"]


def test_add_takes_any_one_identifier_by_its_template_header(
    capsys: pytest.CaptureFixture[str], unit: AppServices
) -> None:
    code, out = cli(capsys, "add", "seal", f"证件号码={ZHAO.id_number}", "封存原因=离职", "--json")
    assert code == 0, out
    assert json.loads(out)["values"]["name"] == "赵一"
    code, out = cli(
        capsys, "add", "seal", f"个人账号={SUN_A.account_no}", "--list", "封存原因=调动暂不转移"
    )
    assert code == 0 and "已添加到待封存清册：孙三" in out
    rows = pending(capsys, "seal")
    assert [(r["values"]["name"], r["values"]["reason"]) for r in rows] == [  # type: ignore[index]
        ("赵一", "离职"),
        ("孙三", "调动暂不转移"),
    ]


def test_add_refuses_with_every_problem_in_validates_shape_and_adds_nothing(
    capsys: pytest.CaptureFixture[str], unit: AppServices
) -> None:
    code, out = cli(capsys, "add", "seal", "姓名=钱二", "封存原因=出国", "--json")
    assert code == 1
    problems = json.loads(out)
    assert {p["column"] for p in problems} == {"个人账号", "封存原因"}
    assert set(problems[0]) == {"row", "column", "value", "message"}
    assert any("只有状态为“正常”的账户才能封存" in p["message"] for p in problems)
    code, out = cli(capsys, "add", "seal", "工号=7", "--json")
    assert code == 1 and "应写成 字段=值" in json.loads(out)[0]["message"]
    code, out = cli(capsys, "add", "unseal", f"姓名={ZHAO.name}", "启封原因=重新就业")
    assert code == 1 and "只有状态为“封存”的账户才能启封" in out
    assert pending(capsys, "seal") == [] and pending(capsys, "unseal") == []


def test_the_template_and_an_import_with_any_identifier_per_row(
    capsys: pytest.CaptureFixture[str], unit: AppServices, tmp_path: Path
) -> None:
    template = tmp_path / "unseal.xlsx"
    assert cli(capsys, "template", "unseal", "-o", str(template))[0] == 0
    sheet = load_workbook(template).worksheets[0]
    headers = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert headers[:6] == ["姓名", "个人账号", "证件号码", "启封原因", "启封年月", "缴存基数"]
    data = tmp_path / "list.csv"
    data.write_text(
        f"姓名,个人账号,证件号码,启封原因\n钱二,,,重新就业\n,,{ZHAO.id_number},重新就业\n"
    )
    code, out = cli(capsys, "validate", "unseal", str(data), "--json")
    assert code == 1
    assert [p["row"] for p in json.loads(out)] == [3]  # 赵一 is 正常
    code, out = cli(capsys, "import", "unseal", str(data), "--valid-only", "--json")
    assert json.loads(out)["imported"] == 1
    assert [r["values"]["account_no"] for r in pending(capsys, "unseal")] == [QIAN.account_no]  # type: ignore[index]


def test_submit_and_history_json_read_the_state_in_words_with_each_rows_outcome(
    capsys: pytest.CaptureFixture[str], unit: AppServices, tmp_path: Path
) -> None:
    assert cli(capsys, "add", "seal", f"姓名={ZHAO.name}", "封存原因=离职")[0] == 0
    scan = tmp_path / "proof.png"
    Image.new("RGB", (60, 40), "white").save(scan)
    assert run(["submit", "seal"]) == 1
    assert "离职证明或解除劳动合同证明" in capsys.readouterr().err
    code, out = cli(
        capsys, "submit", "seal", "--attach", f"离职证明或解除劳动合同证明={scan}", "--json"
    )
    assert code == 0, out
    code, out = cli(capsys, "history", "seal", "--json")
    [item] = json.loads(out)
    assert item["status"] == "待上传"
    assert item["outcomes"] == [
        {
            "row": 1,
            "name": "赵一",
            "account_no": ZHAO.account_no,
            "id_number": ZHAO.id_number,
            "status": "待上传",
            "reason": "",
        }
    ]
