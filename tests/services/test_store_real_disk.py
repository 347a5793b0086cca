"""The same troubles on a real tiny disk: a 1 MB tmpfs filled to the last byte, then made
read-only. Needs permission to mount (root with CAP_SYS_ADMIN, as on these machines and in
CI's container when it is privileged); skipped, saying why, where mounting is not allowed.
test_store_trouble.py covers the same paths portably at SQLite's boundary."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import paths
from app.cli import run
from app.services.context import AppServices


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip() or made.returncode}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path) -> None:
    with contextlib.suppress(OSError), open(folder / "filler", "wb") as handle:
        while True:
            handle.write(b"\0" * 4096)
            handle.flush()


def test_a_really_full_disk_says_disk_full(
    tiny_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths.set_data_dir(tiny_disk / "data")
    services = AppServices.open()
    services.units.add("100001", "开封市示范机械厂")
    services.close()
    _fill(tiny_disk)

    code = run(["unit", "add", "100002", "另一个单位"])

    err = capsys.readouterr().err
    assert code == 2
    assert "磁盘空间不足" in err and "disk I/O error" not in err


def test_a_really_read_only_data_folder_names_the_permission(
    tiny_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tiny_disk / "data").mkdir()
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    paths.set_data_dir(tiny_disk / "data")

    code = run(["status"])

    err = capsys.readouterr().err
    assert code == 2
    assert "权限" in err and "unable to open database file" not in err
