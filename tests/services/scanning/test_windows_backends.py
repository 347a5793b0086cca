"""WIA and TWAIN backends through fakes of the COM / pytwain objects.

Nothing real can run here (no Windows, no WIA service, no TWAIN DSM), so these fakes copy
the documented shapes: WIA Automation's DeviceManager/DeviceInfo/Device/Item/Property with
1-based collections and COM errors carrying an HRESULT, and pytwain's SourceManager/Source.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from app.services.scanning import ColourMode, ScanFailedError, ScanSettings, Source, wia
from app.services.scanning.registry import CombinedScanner, available_backends
from app.services.scanning.twain_backend import TwainScanner

pytestmark = pytest.mark.windows_fake


class FakeComError(Exception):
    """Like comtypes.COMError: args[0] is the HRESULT (negative, as COM hands it over)."""

    def __init__(self, hresult: int) -> None:
        super().__init__(hresult - (1 << 32), "WIA error", None)
        self.hresult = hresult - (1 << 32)


class Prop:
    def __init__(self, prop_id: int, value: Any) -> None:
        self.PropertyID = prop_id
        self.Value = value


class ImageFile:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def SaveFile(self, path: str) -> None:
        Path(path).write_bytes(self.data)


def _png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (10, 10), 255).save(buffer, format="PNG")
    return buffer.getvalue()


class Collection:
    def __init__(self, items: list[Any]) -> None:
        self._items = items

    @property
    def Count(self) -> int:
        return len(self._items)

    def Item(self, index: int) -> Any:
        return self._items[index - 1]  # WIA collections count from 1


class FakeWiaDevice:
    """A feeder with `sheets` sheets; `fail_at` raises an HRESULT at that transfer."""

    def __init__(self, sheets: int, fail_at: tuple[int, int] | None = None) -> None:
        self.sheets = sheets
        self.fail_at = fail_at
        self.transfers = 0
        self.Properties = [
            Prop(wia.WIA_DPS_DOCUMENT_HANDLING_CAPABILITIES, wia.FEEDER | wia.FLATBED | wia.DUPLEX),
            Prop(wia.WIA_DPS_DOCUMENT_HANDLING_SELECT, wia.FLATBED),
            Prop(wia.WIA_DPS_DOCUMENT_HANDLING_STATUS, wia.FEED_READY if sheets else 0),
            Prop(wia.WIA_DPS_PAGES, 1),
        ]
        item = FakeWiaItem(self)
        self.item = item
        self.Items = Collection([item])

    def status(self) -> Prop:
        return next(
            p for p in self.Properties if p.PropertyID == wia.WIA_DPS_DOCUMENT_HANDLING_STATUS
        )


class FakeWiaItem:
    def __init__(self, device: FakeWiaDevice) -> None:
        self.device = device
        self.Properties = [
            Prop(wia.WIA_IPS_XRES, 100),
            Prop(wia.WIA_IPS_YRES, 100),
            Prop(wia.WIA_IPS_CUR_INTENT, 0),
            Prop(wia.WIA_IPA_DATATYPE, 3),
        ]

    def Transfer(self, format_id: str) -> ImageFile:
        device = self.device
        device.transfers += 1
        if device.fail_at and device.transfers == device.fail_at[0]:
            raise FakeComError(device.fail_at[1])
        if device.sheets == 0:
            raise FakeComError(wia.WIA_ERROR_PAPER_EMPTY)
        device.sheets -= 1
        device.status().Value = wia.FEED_READY if device.sheets else 0
        return ImageFile(_png_bytes())


class FakeDeviceInfo:
    def __init__(self, device_id: str, device: FakeWiaDevice | None, type_: int = 1) -> None:
        self.DeviceID = device_id
        self.Type = type_
        self._device = device
        self.Properties = [
            Prop(wia.WIA_DIP_VEND_DESC, "Canon"),
            Prop(wia.WIA_DIP_DEV_NAME, "DR-C225"),
        ]

    def Connect(self) -> FakeWiaDevice:
        if self._device is None:
            raise FakeComError(wia.WIA_ERROR_OFFLINE)
        return self._device


class FakeDeviceManager:
    def __init__(self, infos: list[FakeDeviceInfo]) -> None:
        self.DeviceInfos = Collection(infos)


def _wia(device: FakeWiaDevice) -> wia.WiaScanner:
    infos = [FakeDeviceInfo("{camera}", None, type_=2), FakeDeviceInfo("{scanner}", device)]
    return wia.WiaScanner(manager_factory=lambda: FakeDeviceManager(infos), com_init=lambda: None)


def test_wia_lists_scanners_only_with_feeder_and_duplex() -> None:
    devices = _wia(FakeWiaDevice(3)).list_devices()

    assert [d.id for d in devices] == ["{scanner}"]
    assert devices[0].sources == [Source.FLATBED, Source.ADF, Source.ADF_DUPLEX]
    assert devices[0].duplex and devices[0].display_name == "Canon DR-C225"


def test_wia_feeder_scans_until_the_feeder_is_empty(tmp_path: Path) -> None:
    device = FakeWiaDevice(3)
    seen: list[Path] = []

    pages = _wia(device).scan(
        ScanSettings("{scanner}", Source.ADF, 300, ColourMode.GREY, duplex=True),
        tmp_path,
        seen.append,
        lambda: False,
    )

    assert len(pages) == 3 and seen == pages
    props = {p.PropertyID: p.Value for p in device.Properties + device.item.Properties}
    assert props[wia.WIA_DPS_DOCUMENT_HANDLING_SELECT] == wia.FEEDER | wia.DUPLEX
    assert props[wia.WIA_IPS_XRES] == 300
    assert props[wia.WIA_IPA_DATATYPE] == wia.WIA_DATA_GRAYSCALE


def test_wia_paper_empty_after_pages_is_the_end_of_the_batch(tmp_path: Path) -> None:
    device = FakeWiaDevice(2)
    device.status = lambda: Prop(0, wia.FEED_READY)  # type: ignore[method-assign]  # a driver that always says "ready"

    pages = _wia(device).scan(
        ScanSettings("{scanner}", Source.ADF), tmp_path, lambda _: None, lambda: False
    )

    assert len(pages) == 2


def test_wia_jam_keeps_the_pages_before_it(tmp_path: Path) -> None:
    device = FakeWiaDevice(5, fail_at=(3, wia.WIA_ERROR_PAPER_JAM))

    with pytest.raises(ScanFailedError) as caught:
        _wia(device).scan(
            ScanSettings("{scanner}", Source.ADF), tmp_path, lambda _: None, lambda: False
        )

    assert caught.value.code == "JAMMED" and "卡纸" in caught.value.message
    assert [p.name for p in caught.value.pages] == ["page-0001.png", "page-0002.png"]


@pytest.mark.parametrize(
    ("hresult", "code", "words"),
    [
        (wia.WIA_ERROR_BUSY, "DEVICE_BUSY", "设备忙"),
        (wia.WIA_ERROR_COVER_OPEN, "COVER_OPEN", "盖板"),
    ],
)
def test_wia_errors_give_clear_messages(
    tmp_path: Path, hresult: int, code: str, words: str
) -> None:
    device = FakeWiaDevice(5, fail_at=(1, hresult))

    with pytest.raises(ScanFailedError) as caught:
        _wia(device).scan(ScanSettings("{scanner}"), tmp_path, lambda _: None, lambda: False)

    assert caught.value.code == code and words in caught.value.message


def test_wia_empty_feeder_and_missing_device(tmp_path: Path) -> None:
    with pytest.raises(ScanFailedError) as empty:
        _wia(FakeWiaDevice(0)).scan(
            ScanSettings("{scanner}", Source.ADF), tmp_path, lambda _: None, lambda: False
        )
    with pytest.raises(ScanFailedError) as gone:
        _wia(FakeWiaDevice(1)).scan(
            ScanSettings("{unplugged}"), tmp_path, lambda _: None, lambda: False
        )

    assert empty.value.code == "NO_DOCS" and "进纸器无纸" in empty.value.message
    assert gone.value.code == "NO_DEVICE"


def test_wia_flatbed_is_one_page(tmp_path: Path) -> None:
    pages = _wia(FakeWiaDevice(5)).scan(
        ScanSettings("{scanner}"), tmp_path, lambda _: None, lambda: False
    )

    assert len(pages) == 1


def test_wia_without_the_wia_service_lists_nothing() -> None:
    def no_service() -> Any:
        raise OSError("class not registered")

    assert wia.WiaScanner(manager_factory=no_service, com_init=lambda: None).list_devices() == []


# -- TWAIN ---------------------------------------------------------------------------------


class PaperJam(Exception):  # noqa: N818  (pytwain's own name)
    """Named like pytwain's twain.exceptions.PaperJam."""


class FakeTwainSource:
    def __init__(self, sheets: int, jam_at: int | None = None) -> None:
        self.sheets = sheets
        self.jam_at = jam_at
        self.transfers = 0
        self.caps: dict[int, Any] = {}
        self.closed = False
        self.identity = {"Manufacturer": "Fujitsu", "ProductName": "fi-7160"}

    def get_capability_current(self, cap: int) -> Any:
        from app.services.scanning import twain_backend as tb

        return {
            tb.CAP_FEEDERENABLED: False,
            tb.CAP_DUPLEX: 1,
            tb.CAP_FEEDERLOADED: self.sheets > 0,
        }[cap]

    def set_capability(self, cap: int, type_: int, value: Any) -> None:
        self.caps[cap] = value

    def request_acquire(self, show_ui: bool, modal_ui: bool) -> None:
        assert show_ui is False

    def xfer_image_natively(self) -> tuple[int, int]:
        self.transfers += 1
        if self.jam_at == self.transfers:
            raise PaperJam()
        self.sheets -= 1
        return self.transfers, self.sheets

    def close(self) -> None:
        self.closed = True


class FakeSourceManager:
    def __init__(self, source: FakeTwainSource) -> None:
        self.source = source
        self.source_list = ["fi-7160"]

    def open_source(self, name: str) -> FakeTwainSource | None:
        return self.source if name == "fi-7160" else None


def _bmp(_handle: Any) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="BMP")
    return buffer.getvalue()


def _twain(source: FakeTwainSource) -> TwainScanner:
    return TwainScanner(manager_factory=lambda _hwnd: FakeSourceManager(source), dib_to_bmp=_bmp)


def test_twain_lists_sources_with_feeder_and_duplex() -> None:
    (device,) = _twain(FakeTwainSource(3)).list_devices()

    assert device.id == "fi-7160" and device.vendor == "Fujitsu"
    assert device.sources == [Source.FLATBED, Source.ADF, Source.ADF_DUPLEX]


def test_twain_feeder_transfers_every_pending_image(tmp_path: Path) -> None:
    source = FakeTwainSource(4)
    seen: list[Path] = []

    pages = _twain(source).scan(
        ScanSettings("fi-7160", Source.ADF, 200, ColourMode.BLACK_WHITE),
        tmp_path,
        seen.append,
        lambda: False,
    )

    from app.services.scanning import twain_backend as tb

    assert len(pages) == 4 and seen == pages
    assert (
        source.caps[tb.CAP_FEEDERENABLED] is True and source.caps[tb.ICAP_PIXELTYPE] == tb.TWPT_BW
    )
    assert source.closed
    assert pages[0].read_bytes()[:2] == b"BM"


def test_twain_jam_keeps_earlier_pages_and_closes_the_source(tmp_path: Path) -> None:
    source = FakeTwainSource(5, jam_at=3)

    with pytest.raises(ScanFailedError) as caught:
        _twain(source).scan(
            ScanSettings("fi-7160", Source.ADF), tmp_path, lambda _: None, lambda: False
        )

    assert caught.value.code == "JAMMED" and len(caught.value.pages) == 2 and source.closed


def test_twain_empty_feeder_and_unknown_source(tmp_path: Path) -> None:
    with pytest.raises(ScanFailedError) as empty:
        _twain(FakeTwainSource(0)).scan(
            ScanSettings("fi-7160", Source.ADF), tmp_path, lambda _: None, lambda: False
        )
    with pytest.raises(ScanFailedError) as gone:
        _twain(FakeTwainSource(1)).scan(
            ScanSettings("other"), tmp_path, lambda _: None, lambda: False
        )

    assert empty.value.code == "NO_DOCS"
    assert gone.value.code == "NO_DEVICE"


# -- choosing backends ---------------------------------------------------------------------


def test_on_linux_sane_is_offered_and_on_windows_wia_and_twain() -> None:
    assert [b.kind for b in available_backends("linux")] == ["sane"]
    # comtypes / pytwain are not installed here, but the modules import lazily.
    assert [b.kind for b in available_backends("win32")] == ["wia", "twain"]


def test_with_no_scanner_anywhere_the_combined_list_is_empty(tmp_path: Path) -> None:
    def broken() -> Any:
        raise OSError("no WIA service")

    combined = CombinedScanner(
        [
            wia.WiaScanner(manager_factory=broken, com_init=lambda: None),
            TwainScanner(manager_factory=lambda _h: (_ for _ in ()).throw(OSError("no DSM"))),
        ]
    )

    assert combined.list_devices() == []
    with pytest.raises(ScanFailedError) as caught:
        combined.scan(ScanSettings("anything"), tmp_path, lambda _: None, lambda: False)
    assert caught.value.code == "NO_DEVICE"


def test_combined_scanner_routes_a_scan_to_the_backend_that_listed_it(tmp_path: Path) -> None:
    combined = CombinedScanner([_wia(FakeWiaDevice(2)), _twain(FakeTwainSource(3))])

    ids = [d.id for d in combined.list_devices()]
    pages = combined.scan(
        ScanSettings("fi-7160", Source.ADF), tmp_path, lambda _: None, lambda: False
    )

    assert ids == ["{scanner}", "fi-7160"]
    assert pages[0].suffix == ".bmp" and len(pages) == 3
