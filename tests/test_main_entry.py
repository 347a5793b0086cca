"""`gjj-desk --smoke` (the installer's start check) and the bundle's demo-centre entry."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import __main__ as entry
from app.services.session import SERVICE
from app.services.store import head_revision


def test_smoke_shows_the_window_prints_the_facts_and_exits_0(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    done = subprocess.run(
        [sys.executable, "-m", "app", "--smoke", "--data-dir", str(tmp_path / "data")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=300,
        check=False,
    )
    facts = dict(line.split(": ", 1) for line in done.stdout.splitlines() if ": " in line)
    assert done.returncode == 0, done.stderr
    assert facts["smoke"] == "OK"
    assert facts["window shown"] == "yes"
    assert facts["window"].startswith("住房公积金单位网厅客户端")
    assert facts["data folder"] == str(tmp_path / "data")
    assert facts["keyring service"] == SERVICE
    assert facts["database revision"] == f"{head_revision()} (current {head_revision()})"
    assert facts["fundserver imported"] == "no"  # the demo centre only in demo mode
    assert facts["switch interval ms"] == "0.5"  # workers give the window's thread way quickly
    assert facts["qt translation file"].endswith("qtbase_zh_CN.qm (present)")
    assert (tmp_path / "data" / "gjj-desk.sqlite3").is_file()


def test_the_bundle_runs_the_demo_centre_as_python_m_fundserver(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """In the bundle sys.executable is gjj-desk itself: demo mode's `-m fundserver` lands here."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "argv", ["gjj-desk", "-m", "fundserver", "openapi"])
    assert entry.main() == 0
    assert json.loads(capsys.readouterr().out)["info"]["title"].startswith("公积金中心")


def test_from_source_minus_m_is_not_taken_for_the_demo_centre(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["gjj-desk", "-m", "fundserver", "openapi"])
    with pytest.raises(SystemExit) as exited:
        entry.main()
    assert exited.value.code == 2  # argparse: not a gjj-desk option
