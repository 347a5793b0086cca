"""The SANE backend against SANE's real `test` device (a driver with no hardware).

Every scan is a new `scanimage` process, so the device is reopened per test and the test
device's feeder count (10 sheets) starts afresh.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from app.errors import ScannerError
from app.services.documents import build_pdf
from app.services.scanning import ColourMode, ScanFailedError, ScanSettings, Source
from app.services.scanning.sane import SaneScanner, parse_options

pytestmark = pytest.mark.sane

# A small scan area keeps each page quick; the feeder logic does not depend on page size.
SMALL = {"x": "40", "y": "50"}


def _scan(settings: ScanSettings, out: Path) -> tuple[list[Path], list[Path]]:
    seen: list[Path] = []
    pages = SaneScanner().scan(settings, out, seen.append, lambda: False)
    return pages, seen


def test_device_list_has_the_test_device_with_its_options(sane_test_device: str) -> None:
    devices = {device.id: device for device in SaneScanner().list_devices()}

    assert "test:0" in devices
    test0 = devices["test:0"]
    assert test0.kind == "sane"
    assert test0.vendor == "Noname"
    assert test0.sources == [Source.FLATBED, Source.ADF]
    assert set(test0.modes) == {ColourMode.COLOUR, ColourMode.GREY}
    assert 300 in test0.resolutions and 75 in test0.resolutions
    assert test0.duplex is False


def test_flatbed_scan_gives_one_png_page_at_the_chosen_dpi(
    sane_test_device: str, tmp_path: Path
) -> None:
    settings = ScanSettings(sane_test_device, Source.FLATBED, 150, ColourMode.GREY)

    pages, seen = _scan(settings, tmp_path / "out")

    assert len(pages) == 1 and seen == pages
    with Image.open(pages[0]) as image:
        assert image.format == "PNG"
        assert image.mode == "L"
        assert round(image.info["dpi"][0]) == 150
        assert image.size == (472, 590)  # 80 × 100 mm, the test device's default area


def test_feeder_scans_ten_pages_into_one_ten_page_pdf(
    sane_test_device: str, tmp_path: Path
) -> None:
    settings = ScanSettings(
        sane_test_device,
        Source.ADF,
        300,
        ColourMode.COLOUR,
        extra_options={"test-picture": "Color pattern"},
    )

    pages, seen = _scan(settings, tmp_path / "out")
    document = build_pdf(pages, tmp_path / "material.pdf")

    # "out of documents" after the tenth sheet ends the batch; it is not an error.
    assert len(pages) == 10
    assert seen == pages
    assert [page.name for page in pages] == [f"page-{n:04d}.png" for n in range(1, 11)]
    assert document.page_count == 10
    assert len(PdfReader(document.path).pages) == 10


def test_feeder_jam_at_the_first_sheet_raises_with_the_jam_message(
    sane_test_device: str, tmp_path: Path
) -> None:
    # The test backend's --read-return-value fails the very first sane_read(), so no page
    # is ever finished: the honest expectation is the jam message and an empty page list.
    settings = ScanSettings(
        sane_test_device,
        Source.ADF,
        75,
        extra_options={**SMALL, "read-return-value": "SANE_STATUS_JAMMED"},
    )

    with pytest.raises(ScannerError) as caught:
        _scan(settings, tmp_path / "out")

    assert isinstance(caught.value, ScanFailedError)
    assert "卡纸" in caught.value.message
    assert caught.value.code == "JAMMED"
    assert caught.value.pages == []
    assert not list((tmp_path / "out").glob("*.part"))


@pytest.mark.parametrize(
    ("status", "code", "words"),
    [
        ("SANE_STATUS_COVER_OPEN", "COVER_OPEN", "盖板打开"),
        ("SANE_STATUS_DEVICE_BUSY", "DEVICE_BUSY", "设备忙"),
        ("SANE_STATUS_NO_DOCS", "NO_DOCS", "进纸器无纸"),
        ("SANE_STATUS_IO_ERROR", "IO_ERROR", "通信出错"),
    ],
)
def test_each_simulated_fault_gives_its_own_message(
    sane_test_device: str, tmp_path: Path, status: str, code: str, words: str
) -> None:
    settings = ScanSettings(
        sane_test_device, Source.ADF, 75, extra_options={**SMALL, "read-return-value": status}
    )

    with pytest.raises(ScanFailedError) as caught:
        _scan(settings, tmp_path / "out")

    assert caught.value.code == code
    assert words in caught.value.message


def _wrapper(tmp_path: Path, good_pages: int) -> Path:
    """A scanimage that jams on sheet good_pages+1, made of two runs of the real scanimage.

    The test backend can only fail from the first read, so a jam *after* some sheets is
    reproduced by running the real program twice: `good_pages` sheets normally, then one
    more sheet with SANE_STATUS_JAMMED, numbered on. Output and exit code are scanimage's own.
    """
    script = tmp_path / "scanimage-jams-later"
    script.write_text(
        "#!/bin/sh\n"
        'case " $* " in *" -A "*) exec scanimage "$@";; esac\n'
        f'scanimage "$@" --batch-count={good_pages} || exit $?\n'
        f'exec scanimage "$@" --batch-start={good_pages + 1} --batch-count=1 '
        "--read-return-value SANE_STATUS_JAMMED\n",
        encoding="ascii",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_jam_after_three_sheets_keeps_the_three_pages(
    sane_test_device: str, tmp_path: Path
) -> None:
    settings = ScanSettings(sane_test_device, Source.ADF, 75, extra_options=SMALL)
    seen: list[Path] = []
    scanner = SaneScanner(scanimage=_wrapper(tmp_path, 3))

    with pytest.raises(ScanFailedError) as caught:
        scanner.scan(settings, tmp_path / "out", seen.append, lambda: False)

    assert caught.value.code == "JAMMED"
    assert "卡纸" in caught.value.message and "已扫描的 3 页已保留" in caught.value.message
    assert [page.name for page in caught.value.pages] == [
        "page-0001.png",
        "page-0002.png",
        "page-0003.png",
    ]
    assert seen == caught.value.pages
    assert all(page.stat().st_size > 0 for page in caught.value.pages)


def test_cancel_stops_the_scan_and_keeps_finished_pages(
    sane_test_device: str, tmp_path: Path
) -> None:
    # --read-delay slows every transfer, so the batch is still running when we cancel.
    settings = ScanSettings(
        sane_test_device,
        Source.ADF,
        100,
        extra_options={**SMALL, "read-delay": "yes", "read-delay-duration": "20000"},
    )
    seen: list[Path] = []

    pages = SaneScanner().scan(settings, tmp_path / "out", seen.append, lambda: bool(seen))

    assert 1 <= len(pages) < 10
    assert seen == pages
    leftovers = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert leftovers == [page.name for page in pages]  # no half-written .part file


def test_cancel_before_the_scan_starts_scans_nothing(sane_test_device: str, tmp_path: Path) -> None:
    settings = ScanSettings(sane_test_device, Source.ADF, 75, extra_options=SMALL)

    assert SaneScanner().scan(settings, tmp_path / "out", lambda _: None, lambda: True) == []
    assert list((tmp_path / "out").iterdir()) == []


def test_unknown_device_says_it_is_missing(sane_test_device: str, tmp_path: Path) -> None:
    with pytest.raises(ScanFailedError) as caught:
        _scan(ScanSettings("test:9"), tmp_path / "out")

    assert caught.value.code == "NO_DEVICE"
    assert "不存在或已断开" in caught.value.message


def test_without_scanimage_the_list_is_empty_and_scan_says_sane_is_missing(
    tmp_path: Path,
) -> None:
    scanner = SaneScanner(scanimage=tmp_path / "no-such-scanimage")

    assert scanner.list_devices() == []
    with pytest.raises(ScanFailedError) as caught:
        scanner.scan(ScanSettings("test:0"), tmp_path / "out", lambda _: None, lambda: False)
    assert "未安装 SANE" in caught.value.message


def test_without_any_sane_device_the_list_is_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if os.system("command -v scanimage >/dev/null") != 0:
        pytest.skip("scanimage is not installed (apt-get install sane-utils libsane1)")
    empty = tmp_path / "sane.d"
    empty.mkdir()
    (empty / "dll.conf").write_text("", encoding="ascii")
    monkeypatch.setenv("SANE_CONFIG_DIR", str(empty))

    assert SaneScanner().list_devices() == []


OPTIONS_OF_A_DUPLEX_FEEDER = """
All options specific to device `fujitsu:fi-7160:1234':
  Standard:
    --source Flatbed|ADF Front|ADF Back|ADF Duplex [ADF Front]
        Selects the scan source.
    --mode Lineart|Halftone|Gray|Color [Lineart]
        Selects the scan mode.
    --resolution 50|75|150|200|300|600dpi [600]
        Sets the resolution of the scanned image.
"""


def test_options_of_a_duplex_feeder_are_understood() -> None:
    options = parse_options(OPTIONS_OF_A_DUPLEX_FEEDER)

    assert options.sources == {
        Source.FLATBED: "Flatbed",
        Source.ADF: "ADF Front",
        Source.ADF_DUPLEX: "ADF Duplex",
    }
    assert options.modes[ColourMode.BLACK_WHITE] == "Lineart"
    assert options.resolutions == [50, 75, 150, 200, 300, 600]
