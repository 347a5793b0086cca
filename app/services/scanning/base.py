"""The values and the one interface every scanner kind (SANE, WIA, TWAIN, folder) shares."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from app.errors import ScannerError

PageCallback = Callable[[Path], None]
CancelCheck = Callable[[], bool]

# A scan that shows no page and no progress for this long is abandoned (a hung driver must not
# hold the clerk, or a test run, forever). Generous: a cold lamp can take half a minute.
DEFAULT_STALL_SECONDS = 120.0


class Source(enum.Enum):
    """Where the paper lies."""

    FLATBED = "flatbed"
    ADF = "adf"
    ADF_DUPLEX = "adf_duplex"

    @property
    def label(self) -> str:
        return _SOURCE_LABELS[self]

    @property
    def is_feeder(self) -> bool:
        return self is not Source.FLATBED


_SOURCE_LABELS = {
    Source.FLATBED: "平板",
    Source.ADF: "自动进纸器",
    Source.ADF_DUPLEX: "自动进纸器（双面）",
}


class ColourMode(enum.Enum):
    COLOUR = "colour"
    GREY = "grey"
    BLACK_WHITE = "bw"

    @property
    def label(self) -> str:
        return _MODE_LABELS[self]


_MODE_LABELS = {
    ColourMode.COLOUR: "彩色",
    ColourMode.GREY: "灰度",
    ColourMode.BLACK_WHITE: "黑白",
}


@dataclass(frozen=True)
class DeviceInfo:
    """One scanner as a device picker shows it."""

    id: str
    vendor: str
    model: str
    kind: str  # the backend: "sane", "wia", "twain", "folder"
    sources: list[Source] = field(default_factory=list)
    resolutions: list[int] = field(default_factory=list)
    modes: list[ColourMode] = field(default_factory=list)
    duplex: bool = False

    @property
    def display_name(self) -> str:
        name = " ".join(part for part in (self.vendor, self.model) if part)
        return name or self.id


@dataclass(frozen=True)
class ScanSettings:
    """What the clerk chose in the picker; `extra_options` go to the backend as they are."""

    device_id: str
    source: Source = Source.FLATBED
    dpi: int = 300
    mode: ColourMode = ColourMode.COLOUR
    duplex: bool = False
    extra_options: dict[str, str] = field(default_factory=dict)
    # No page and no progress for this many seconds: the scan is abandoned, pages kept.
    stall_seconds: float = DEFAULT_STALL_SECONDS


class ScanFailedError(ScannerError):
    """A scan stopped with trouble; `pages` holds every page that arrived before it."""

    def __init__(self, message: str, *, pages: list[Path] | None = None, code: str | None = None):
        super().__init__(message, code=code)
        self.pages: list[Path] = list(pages or [])


@runtime_checkable
class Scanner(Protocol):
    """One interface for every scanner kind."""

    kind: str

    def list_devices(self) -> list[DeviceInfo]:
        """The devices this backend sees now; empty (never an error) when there are none."""
        ...

    def scan(
        self,
        settings: ScanSettings,
        out_dir: Path,
        on_page: PageCallback,
        cancelled: CancelCheck,
    ) -> list[Path]:
        """Scan into `out_dir`, one image file per page, calling `on_page` as each arrives.

        A feeder scans until it is empty. When `cancelled()` turns true the scan stops and the
        pages so far are returned. Trouble raises `ScanFailedError` carrying those pages.
        """
        ...


def page_name(index: int, suffix: str) -> str:
    """The file name of the index-th page (1-based) of a scan."""
    return f"page-{index:04d}{suffix}"
