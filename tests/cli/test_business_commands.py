"""`template`, `validate`, `import`, `pending`, `submit`, `history`: what a script sees."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image

from app.models import RosterPerson, Unit
from app.services.context import AppServices
from tests.cli.console import cli
from tests.ids import gb11643

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "open_account"
FORMATS = (
    "batch.xlsx",
    "batch.xls",
    "batch.ods",
    "batch_lo_utf8_bom.csv",
    "batch_lo_gbk.csv",
    "batch_excel_gbk.csv",
)
BAD_ROWS = {3, 4, 5, 8, 9, 10, 11}  # see tools/make_open_account_fixtures.py
GOOD_ROWS = {2, 6, 7, 12}


ROSTER_PERSON = "41022119800512401" + gb11643("41022119800512401")
PENDING_PERSON = "41022219910909502" + gb11643("41022219910909502")


@pytest.fixture
def unit(capsys: pytest.CaptureFixture[str], services: AppServices, tmp_path: Path) -> AppServices:
    """A unit with its ratios, 孙八 in its roster and 周九 already in the 待开户清册."""
    assert cli(capsys, "unit", "add", "100001", "开封市示范机械厂")[0] == 0
    with services.store.session() as session:
        unit = session.query(Unit).one()
        unit.profile = {"unit_ratio": "0.12", "personal_ratio": "0.12"}
        session.add(
            RosterPerson(
                unit_id=unit.id,
                account_no="4100007",
                name="孙八",
                id_number=ROSTER_PERSON,
                status="正常",
            )
        )
    first = tmp_path / "first.csv"
    first.write_text(f"姓名,证件号码,手机号码,缴存基数\n周九,{PENDING_PERSON},13903781242,4300\n")
    assert cli(capsys, "import", "open-account", str(first))[0] == 0
    return services


def test_validate_needs_no_unit(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(
        capsys, "validate", "open-account", str(FIXTURES / "batch_excel_gbk.csv"), "--json"
    )
    problems = json.loads(out)
    assert code == 1, err
    assert all(set(p) == {"row", "column", "value", "message"} for p in problems)
    # No roster, nothing pending: only what is wrong with the rows themselves.
    assert {p["row"] for p in problems} == BAD_ROWS - {9, 10}
    sci = next(p for p in problems if p["row"] == 4)
    assert sci["column"] == "证件号码" and sci["value"] == "4.10203E+17"
    assert "科学计数法" in sci["message"]


@pytest.mark.parametrize("name", FORMATS)
def test_validate_json_flags_exactly_the_bad_rows(
    capsys: pytest.CaptureFixture[str], unit: AppServices, name: str
) -> None:
    code, out, _ = cli(capsys, "validate", "open-account", str(FIXTURES / name), "--json")
    problems = json.loads(out)
    assert code == 1
    assert {p["row"] for p in problems} == BAD_ROWS
    by_row = {p["row"]: p for p in problems}
    assert "第 2 行重复" in by_row[8]["message"]
    assert "4100007" in by_row[9]["message"]
    assert "待开户清册" in by_row[10]["message"]


def test_validate_a_clean_file_and_write_a_report(
    capsys: pytest.CaptureFixture[str], unit: AppServices, tmp_path: Path
) -> None:
    clean = tmp_path / "clean.csv"
    good = "41020319900101111" + gb11643("41020319900101111")
    clean.write_text(f"姓名,证件号码,手机号码,缴存基数\n甲一,{good},13800000001,5000\n")
    code, out, _ = cli(capsys, "validate", "open-account", str(clean), "--json")
    assert (code, json.loads(out)) == (0, [])
    report = tmp_path / "report.xlsx"
    code, out, _ = cli(
        capsys, "validate", "open-account", str(FIXTURES / "batch.xlsx"), "--report", str(report)
    )
    assert code == 1
    assert "共 11 行：正确 4 行，有误 7 行。" in out and "已忽略的列：备注" in out
    assert load_workbook(report).worksheets[0].max_row == 1 + len(BAD_ROWS)


def test_import_is_all_or_valid_only(capsys: pytest.CaptureFixture[str], unit: AppServices) -> None:
    batch = str(FIXTURES / "batch.ods")
    code, _, err = cli(capsys, "import", "open-account", batch)
    assert code == 1 and "不能全部导入" in err
    code, out, _ = cli(capsys, "pending", "list", "open-account", "--json")
    assert [r["values"]["name"] for r in json.loads(out)] == ["周九"]

    code, out, _ = cli(capsys, "import", "open-account", batch, "--valid-only", "--json")
    result = json.loads(out)
    assert code == 0
    assert result["imported"] == 4 and set(result["skipped_rows"]) == BAD_ROWS
    code, out, _ = cli(capsys, "pending", "list", "open-account", "--json")
    rows = json.loads(out)
    assert [r["values"]["name"] for r in rows] == ["周九", "张三", "赵六", "钱七", "郑十一"]
    assert rows[1]["source"] == "batch.ods 第2行"

    code, out, _ = cli(capsys, "pending", "list", "open-account")
    assert "待开户清册：共 5 条" in out and "郑十一" in out
    zhao = rows[2]["id"]
    code, out, _ = cli(capsys, "pending", "show", "open-account", str(zhao))
    assert code == 0 and "5000.00" in out and "batch.ods 第6行" in out
    code, out, _ = cli(capsys, "pending", "delete", "open-account", str(zhao))
    assert code == 0 and "赵六" in out
    code, _, err = cli(capsys, "pending", "show", "open-account", str(zhao))
    assert code == 1 and f"没有编号为 {zhao} 的记录" in err


def test_submit_needs_the_required_materials_then_shows_in_history(
    capsys: pytest.CaptureFixture[str], unit: AppServices, tmp_path: Path
) -> None:
    code, _, err = cli(capsys, "submit", "open-account")
    assert code == 1 and "身份证复印件" in err
    scan = tmp_path / "id-card.png"
    Image.new("RGB", (600, 400), "white").save(scan)
    code, _, err = cli(capsys, "submit", "open-account", "--attach", f"身份证复印件{scan}")
    assert code == 1 and "材料名=文件" in err
    code, out, err = cli(capsys, "submit", "open-account", "--attach", f"身份证复印件={scan}")
    assert code == 0, err
    assert "已提交 1 条" in out
    code, out, _ = cli(capsys, "history", "open-account", "--json")
    history = json.loads(out)
    assert [(h["rows"], h["state"], h["review_state"]) for h in history] == [(1, "queued", None)]
    code, out, _ = cli(capsys, "history", "open-account")
    assert "待上传" in out
    code, out, _ = cli(capsys, "pending", "list", "open-account", "--json")
    assert json.loads(out) == []  # a new, empty list for the next batch


def test_commands_on_a_unit_say_so_when_there_is_none(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for argv in (
        ("import", "open-account", str(FIXTURES / "batch.xlsx")),
        ("pending", "list", "open-account"),
        ("submit", "open-account"),
        ("history", "open-account"),
    ):
        code, _, err = cli(capsys, *argv)
        assert code == 2 and "还没有添加单位" in err and "gjj-desk unit add" in err


def test_template_and_a_bad_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_path = tmp_path / "身份证批量开户模版.xlsx"
    code, out, _ = cli(capsys, "template", "open-account", "-o", str(out_path))
    assert code == 0 and "已生成模版" in out
    header = [c.value for c in load_workbook(out_path).worksheets[0][1]]
    assert header[:3] == ["姓名", "证件类型", "证件号码"]
    code, out, _ = cli(capsys, "validate", "open-account", str(out_path), "--json")
    assert (code, json.loads(out)) == (0, [])  # the example row is not data
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    code, _, err = cli(capsys, "validate", "open-account", str(broken))
    assert code == 1 and "错误：" in err and "Traceback" not in err
