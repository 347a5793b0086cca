"""`gjj-desk scanners` and `gjj-desk scan` against SANE's real `test` device."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.cli import run

pytestmark = pytest.mark.sane

SMALL = ["--option", "x=40", "--option", "y=50"]


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_scanners_lists_the_test_device_as_json(
    capsys: pytest.CaptureFixture[str], sane_test_device: str
) -> None:
    code, out, _ = cli(capsys, "scanners", "--json")
    assert code == 0
    devices = {d["id"]: d for d in json.loads(out)}
    assert devices[sane_test_device] == {
        "id": "test:0",
        "vendor": "Noname",
        "model": "frontend-tester",
        "kind": "sane",
        "sources": ["flatbed", "adf"],
        "resolutions": devices["test:0"]["resolutions"],
        "modes": ["grey", "colour"],
        "duplex": False,
    }
    assert 300 in devices["test:0"]["resolutions"]


def test_scanners_as_a_table(capsys: pytest.CaptureFixture[str], sane_test_device: str) -> None:
    code, out, _ = cli(capsys, "scanners")
    assert code == 0
    assert "test:0" in out and "平板、自动进纸器" in out and "Noname frontend-tester" in out


def test_a_feeder_scan_makes_one_ten_page_pdf_with_progress_on_stderr(
    capsys: pytest.CaptureFixture[str], sane_test_device: str, tmp_path: Path
) -> None:
    out_pdf = tmp_path / "batch.pdf"
    code, out, err = cli(
        capsys,
        "scan",
        "--device",
        sane_test_device,
        "--source",
        "adf",
        "--dpi",
        "150",
        "--mode",
        "gray",
        *SMALL,
        "-o",
        str(out_pdf),
    )
    assert code == 0, err
    assert "已扫描 10 页…" in err and "已扫描 1 页…" in err
    assert f"已保存 {out_pdf}：10 页" in out
    assert len(PdfReader(out_pdf).pages) == 10


def test_a_flatbed_scan_as_json(
    capsys: pytest.CaptureFixture[str], sane_test_device: str, tmp_path: Path
) -> None:
    out_pdf = tmp_path / "one.pdf"
    code, out, _ = cli(
        capsys, "scan", "--device", sane_test_device, *SMALL, "-o", str(out_pdf), "--json"
    )
    assert code == 0
    result = json.loads(out)
    assert result["pages"] == 1 and result["path"] == str(out_pdf) and len(result["sha256"]) == 64


def test_a_jam_exits_2_with_the_chinese_message(
    capsys: pytest.CaptureFixture[str], sane_test_device: str, tmp_path: Path
) -> None:
    code, out, err = cli(
        capsys,
        "scan",
        "--device",
        sane_test_device,
        "--source",
        "adf",
        *SMALL,
        "--option",
        "read-return-value=SANE_STATUS_JAMMED",
        "-o",
        str(tmp_path / "x.pdf"),
    )
    assert code == 2
    assert "错误：扫描仪卡纸" in err
    assert not (tmp_path / "x.pdf").exists()


def test_a_jam_mid_batch_keeps_the_pages_and_names_the_file(
    capsys: pytest.CaptureFixture[str],
    sane_test_device: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = shutil.which("scanimage")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "scanimage"  # jams on the fourth sheet: two runs of the real program
    wrapper.write_text(
        "#!/bin/sh\n"
        f'case " $* " in *" -A "*|*"--formatted-device-list"*) exec {real} "$@";; esac\n'
        f'{real} "$@" --batch-count=3 || exit $?\n'
        f'exec {real} "$@" --batch-start=4 --batch-count=1 '
        "--read-return-value SANE_STATUS_JAMMED\n",
        encoding="ascii",
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}:{Path(str(real)).parent}")
    out_pdf = tmp_path / "part.pdf"
    code, _, err = cli(
        capsys, "scan", "--device", sane_test_device, "--source", "adf", *SMALL, "-o", str(out_pdf)
    )
    assert code == 2
    assert "卡纸" in err and "已扫描的 3 页已保留" in err
    assert f"已扫描的 3 页已保存到 {out_pdf}" in err
    assert len(PdfReader(out_pdf).pages) == 3


def test_an_unknown_device_exits_2(
    capsys: pytest.CaptureFixture[str], sane_test_device: str, tmp_path: Path
) -> None:
    code, _, err = cli(capsys, "scan", "--device", "nothing:9", "-o", str(tmp_path / "x.pdf"))
    assert code == 2 and "扫描仪不存在或已断开" in err
