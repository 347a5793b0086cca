"""The CLI run in-process, as the tests drive it: exit code, stdout, stderr."""

from __future__ import annotations

import pytest

from app.cli import run


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
