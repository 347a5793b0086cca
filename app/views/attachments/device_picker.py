"""The scanner picker: device, source (平板 / 自动进纸器), resolution, colour, duplex.

Devices are listed in the background: asking SANE for its devices can take seconds when
network backends are configured, and the panel must stay usable with files meanwhile.
"""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.scanning import ColourMode, DeviceInfo, Scanner, ScanSettings, Source
from app.services.scanning.folder import FolderScanner
from app.services.scanning.registry import CombinedScanner
from app.views import file_dialogs
from app.views.operations.devices import list_devices
from app.views.ops import Op

DEFAULT_DPI = 300
FALLBACK_DPI = (150, 200, 300, 600)


def _field_label(text: str, field: QWidget) -> QLabel:
    """A label ending in "：" like every field label, tied to its field (screen readers)."""
    label = QLabel(text)
    label.setBuddy(field)
    return label


class DevicePicker(QWidget):
    """Chooses the scanner and how to scan; `settings()` gives the clerk's choice."""

    devices_changed = Signal()

    def __init__(self, scanner: Scanner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Combined, so a watched folder can join whatever backends there are.
        self.scanner = (
            scanner if isinstance(scanner, CombinedScanner) else CombinedScanner([scanner])
        )
        self.devices: list[DeviceInfo] = []
        self.listing: Op[list[DeviceInfo]] | None = None
        self.listed = False
        # Backend options passed as they are (tests set the SANE test device's here).
        self.extra_options: dict[str, str] = {}

        self.device = QComboBox()
        self.device.setObjectName("scanDevice")
        self.device.setMinimumContentsLength(18)
        self.device.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.device.currentIndexChanged.connect(self._device_chosen)
        self.source = QComboBox()
        self.source.setObjectName("scanSource")
        self.dpi = QComboBox()
        self.dpi.setObjectName("scanDpi")
        self.mode = QComboBox()
        self.mode.setObjectName("scanMode")
        self.duplex = QCheckBox("双面")
        self.duplex.setObjectName("scanDuplex")
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.setToolTip("重新查找连接到本机的扫描仪")
        self.refresh_button.clicked.connect(self.refresh)
        self.folder_button = QPushButton("监视文件夹…")
        self.folder_button.setToolTip(
            "扫描仪自带软件把扫描件保存到文件夹时，选择该文件夹，新文件会作为页面加入"
        )
        self.folder_button.clicked.connect(self.choose_folder)

        top = QHBoxLayout()
        top.addWidget(_field_label("扫描仪：", self.device))
        top.addWidget(self.device, 1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.folder_button)
        options = QHBoxLayout()
        for label, widget in (
            ("来源：", self.source),
            ("分辨率：", self.dpi),
            ("色彩：", self.mode),
        ):
            options.addWidget(_field_label(label, widget))
            options.addWidget(widget)
            options.addSpacing(8)
        options.addWidget(self.duplex)
        options.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(options)
        self._set_searching()

    # -- devices ------------------------------------------------------------------------------

    def _set_searching(self) -> None:
        self.device.clear()
        self.device.addItem("正在查找扫描仪…")
        self.device.setEnabled(False)
        self._device_chosen()

    def refresh(self) -> Op[list[DeviceInfo]]:
        """List the devices again in the background."""
        self._set_searching()
        self.refresh_button.setEnabled(False)

        def done(devices: list[DeviceInfo]) -> None:
            if shiboken6.isValid(self):
                self.set_devices(devices)

        def failed(_error: BaseException) -> None:
            if shiboken6.isValid(self):
                self.set_devices([])

        self.listing = list_devices(self.scanner).success(done).failure(failed).run()
        return self.listing

    def set_devices(self, devices: list[DeviceInfo]) -> None:
        previous = self.current_device()
        self.devices = list(devices)
        self.listed = True
        self.refresh_button.setEnabled(True)
        self.device.blockSignals(True)
        self.device.clear()
        for device in self.devices:
            self.device.addItem(device.display_name, device.id)
        if not self.devices:
            self.device.addItem("未找到扫描仪")
        self.device.setEnabled(bool(self.devices))
        if previous is not None:
            found = self.device.findData(previous.id)
            if found >= 0:
                self.device.setCurrentIndex(found)
        self.device.blockSignals(False)
        self._device_chosen()
        self.devices_changed.emit()

    def current_device(self) -> DeviceInfo | None:
        index = self.device.currentIndex()
        if not self.devices or not 0 <= index < len(self.devices):
            return None
        return self.devices[index]

    def select_device(self, device_id: str) -> None:
        index = self.device.findData(device_id)
        if index >= 0:
            self.device.setCurrentIndex(index)

    def _device_chosen(self, _index: int = 0) -> None:
        device = self.current_device()
        for combo in (self.source, self.dpi, self.mode):
            combo.clear()
        sources = (device.sources if device else []) or [Source.FLATBED]
        for source in sources:
            if source is not Source.ADF_DUPLEX:  # duplex is the check box
                self.source.addItem(source.label, source)
        resolutions = (device.resolutions if device else []) or list(FALLBACK_DPI)
        for dpi in resolutions:
            self.dpi.addItem(f"{dpi} dpi", dpi)
        self.dpi.setCurrentIndex(max(0, self.dpi.findData(DEFAULT_DPI)))
        # Black and white is offered always: a grey scan is turned into it when building.
        modes = (device.modes if device else []) or [ColourMode.COLOUR, ColourMode.GREY]
        for mode in [
            *modes,
            *([ColourMode.BLACK_WHITE] if ColourMode.BLACK_WHITE not in modes else []),
        ]:
            self.mode.addItem(mode.label, mode)
        self.mode.setCurrentIndex(max(0, self.mode.findData(ColourMode.COLOUR)))
        is_folder = device is not None and device.kind == "folder"
        for combo in (self.source, self.dpi, self.mode):
            combo.setEnabled(device is not None and not is_folder)
            # Qt keeps a combo's minimum from its first items: a squeezed panel cut 自动进纸器.
            combo.setMinimumWidth(combo.sizeHint().width())
        self.duplex.setEnabled(bool(device and device.duplex))
        if not self.duplex.isEnabled():
            self.duplex.setChecked(False)

    # -- watched folder -----------------------------------------------------------------------

    def choose_folder(self) -> None:
        folder = file_dialogs.get_existing_directory(
            self, "选择扫描软件保存文件的文件夹", purpose="scan-folder"
        )
        if folder:
            self.add_watch_folder(Path(folder))

    def add_watch_folder(self, folder: Path, *, idle_seconds: float | None = 20.0) -> DeviceInfo:
        """Offer a folder as a scanner: files saved there while scanning become pages."""
        backend = FolderScanner(folder, idle_seconds=idle_seconds)
        self.scanner.backends = [
            b for b in self.scanner.backends if getattr(b, "folder", None) != folder
        ] + [backend]
        device = backend.list_devices()[0]
        others = [d for d in self.devices if d.id != device.id]
        self.set_devices([*others, device])
        self.select_device(device.id)
        return device

    # -- the choice ---------------------------------------------------------------------------

    def settings(self) -> ScanSettings | None:
        """What to scan with, or None when there is no device to scan from."""
        device = self.current_device()
        if device is None:
            return None
        source = self.source.currentData() or Source.FLATBED
        return ScanSettings(
            device_id=device.id,
            source=source,
            dpi=int(self.dpi.currentData() or DEFAULT_DPI),
            mode=self.mode.currentData() or ColourMode.COLOUR,
            duplex=self.duplex.isChecked() and source is Source.ADF,
            extra_options=dict(self.extra_options),
        )

    def select_source(self, source: Source) -> None:
        self.source.setCurrentIndex(max(0, self.source.findData(source)))
