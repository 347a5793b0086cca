"""SANE's `test` device, enabled for one test through SANE_CONFIG_DIR (never /etc)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def sane_test_device(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A SANE config folder holding only `dll.conf` with `test`; the device id to scan from."""
    if shutil.which("scanimage") is None:
        pytest.skip("scanimage is not installed (apt-get install sane-utils libsane1)")
    config = tmp_path / "sane.d"
    config.mkdir()
    (config / "dll.conf").write_text("test\n", encoding="ascii")
    monkeypatch.setenv("SANE_CONFIG_DIR", str(config))
    return "test:0"
