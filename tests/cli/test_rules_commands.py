"""`check-id`, `calc`, `policy show`, `unit`: what a person or a script sees."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.console import cli
from tests.ids import gb11643

VALID = "41020319900101123" + gb11643("41020319900101123")


def test_check_id_json_gives_a_verdict_per_input(capsys: pytest.CaptureFixture[str]) -> None:
    wrong_digit = VALID[:-1] + ("0" if VALID[-1] != "0" else "1")
    code, out, _ = cli(capsys, "check-id", "--json", VALID, wrong_digit, "4.10203199001011E+17")
    verdicts = json.loads(out)
    assert code == 1  # one bad input makes the whole run "bad input"
    assert [v["valid"] for v in verdicts] == [True, False, False]
    assert verdicts[0]["normalized"] == VALID
    assert verdicts[0]["birth_date"] == "1990-01-01"
    assert verdicts[0]["sex"] == "男"  # 17th digit 3 is odd
    assert "校验码" in verdicts[1]["message"]
    assert "科学计数法" in verdicts[2]["message"]
    assert set(verdicts[0]) >= {"input", "valid", "normalized", "birth_date", "sex", "message"}


def test_check_id_reads_stdin_and_converts_legacy_numbers(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    legacy = "410203900101123"  # 15 digits: born 1990-01-01
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{legacy}\n\n {VALID.lower()} \n"))
    code, out, _ = cli(capsys, "check-id", "-", "--json")
    verdicts = json.loads(out)
    assert code == 0
    assert verdicts[0]["normalized"] == "41020319900101123" + gb11643("41020319900101123")
    assert len(verdicts) == 2


def test_check_id_table_for_people(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "check-id", "41020319901301123X")
    assert code == 1
    assert "无效" in out and "出生日期" in out


def test_calc_uses_the_policy_and_rounds_half_up(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(
        capsys,
        "calc",
        "--base",
        "5,000.00元",
        "--unit-ratio",
        "12%",
        "--personal-ratio",
        "0.1",
        "--json",
    )
    result = json.loads(out)
    assert code == 0
    assert (result["unit_amount"], result["personal_amount"], result["total"]) == (
        "600.00",
        "500.00",
        "1100.00",
    )


def test_calc_with_a_named_rounding_method(capsys: pytest.CaptureFixture[str]) -> None:
    # 3107.5 × 12% = 372.90 → 见角进元 → 373; 3107.5 × 7% = 217.525 → 217.5 → 218
    code, out, _ = cli(
        capsys,
        "calc",
        "--base",
        "3107.5",
        "--unit-ratio",
        "12",
        "--personal-ratio",
        "7%",
        "--rounding",
        "见角进元",
        "--json",
    )
    result = json.loads(out)
    assert code == 0
    assert (result["unit_amount"], result["personal_amount"]) == ("373.00", "218.00")


def test_calc_names_the_broken_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(
        capsys, "calc", "--base", "5000", "--unit-ratio", "15%", "--personal-ratio", "12%"
    )
    assert code == 1
    assert "单位缴存比例 15%" in out


def test_bad_amount_is_bad_input_with_a_chinese_message(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(
        capsys, "calc", "--base", "五千", "--unit-ratio", "12", "--personal-ratio", "12"
    )
    assert code == 1
    assert err.startswith("错误：") and "五千" in err


def test_policy_show_marks_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "policy", "show")
    assert code == 0
    assert "开封市住房公积金管理中心" in out and "默认值" in out and "四舍五入到元" in out
    code, out, _ = cli(capsys, "policy", "show", "--json")
    assert json.loads(out)["source"] == "default"


def test_units_are_kept_per_data_dir(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    assert cli(capsys, "--data-dir", str(other), "unit", "add", "100001", "示范单位")[0] == 0
    code, out, _ = cli(capsys, "unit", "list", "--json", "--data-dir", str(other))
    assert json.loads(out) == [{"code": "100001", "name": "示范单位", "current": True}]
    assert (other / "gjj-desk.sqlite3").exists()
    code, out, err = cli(capsys, "unit", "add", "1", "x", "--data-dir", str(other))
    assert code == 1 and "单位账号" in err


def test_entry_point_prints_its_version() -> None:
    exe = Path(sys.executable).with_name("gjj-desk")
    result = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=True)
    assert result.stdout.strip().startswith("gjj-desk ")
