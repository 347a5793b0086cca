"""`gjj-desk backup -o FILE` and `gjj-desk restore FILE`: what a script sees."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.services.context import AppServices
from tests.cli.console import cli


def test_backup_and_restore_round_trip_into_another_data_folder(
    capsys: pytest.CaptureFixture[str], services: AppServices, tmp_path: Path
) -> None:
    services.units.add("100001", "开封市示范机械厂")
    services.close()
    target = tmp_path / "备份.gjjbak"

    code, out, _ = cli(capsys, "backup", "-o", str(target), "--json")
    assert code == 0 and json.loads(out)["file"] == str(target)

    second = tmp_path / "second"
    code, out, _ = cli(capsys, "restore", str(target), "--data-dir", str(second))
    assert code == 0 and "已恢复" in out
    code, out, _ = cli(capsys, "unit", "list", "--data-dir", str(second), "--json")
    assert code == 0 and [u["code"] for u in json.loads(out)] == ["100001"]


def test_restore_of_a_file_that_is_not_a_backup_exits_1_naming_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bogus = tmp_path / "notes.gjjbak"
    bogus.write_text("not a backup", encoding="utf-8")

    code, _, err = cli(capsys, "restore", str(bogus))

    assert code == 1 and "notes.gjjbak" in err and "Traceback" not in err
