"""What a terminal shows around the commands: argparse's own texts, and a reader that stops."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import run
from tests.ids import gb11643

ROOT = Path(__file__).resolve().parents[2]
VALID = "41020319900101123" + gb11643("41020319900101123")


def test_help_is_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        run(["--help"])
    out = capsys.readouterr().out
    assert stopped.value.code == 0
    assert out.startswith("用法：gjj-desk")
    assert "显示此帮助信息并退出" in out
    assert "显示版本号并退出" in out
    assert "\n选项:\n" in out and "\n位置参数:\n" in out
    for english in ("usage:", "show this help", "options:", "positional arguments"):
        assert english not in out


def test_a_commands_help_is_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run(["calc", "-h"])
    out = capsys.readouterr().out
    assert out.startswith("用法：gjj-desk calc")
    assert "显示此帮助信息并退出" in out


def test_argparse_errors_are_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        run(["calc", "--base", "5000"])
    err = capsys.readouterr().err
    assert stopped.value.code == 2
    assert "gjj-desk calc：错误：缺少必需的参数：--unit-ratio, --personal-ratio" in err
    with pytest.raises(SystemExit):
        run(["no-such-command"])
    err = capsys.readouterr().err
    assert "无效的选择：'no-such-command'" in err


def test_a_closed_pipe_ends_a_command_quietly() -> None:
    """`gjj-desk check-id - --json | head -1`: the reader leaves early, no traceback follows."""
    ids = (VALID + "\n") * 3000  # ~600 kB of JSON: far more than a pipe (64 kB) holds
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "check-id", "-", "--json"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    assert process.stdin is not None and process.stdout is not None
    assert process.stderr is not None
    process.stdin.write(ids.encode())
    process.stdin.close()
    assert process.stdout.readline().strip() == b"["
    process.stdout.close()  # what `head` does once it has its lines
    err = process.stderr.read().decode("utf-8", "replace")
    process.stderr.close()
    code = process.wait()
    assert "Traceback" not in err
    assert "BrokenPipeError" not in err
    assert err == ""
    assert code == 141  # as a program ended by SIGPIPE, so `set -o pipefail` still sees it
