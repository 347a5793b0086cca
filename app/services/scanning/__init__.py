"""Scanners behind one interface: SANE (`scanimage`), WIA 2.0, TWAIN and a watched folder."""

from __future__ import annotations

from app.services.scanning.base import (
    ColourMode,
    DeviceInfo,
    ScanFailedError,
    Scanner,
    ScanSettings,
    Source,
)
from app.services.scanning.registry import available_backends, default_scanner

__all__ = [
    "ColourMode",
    "DeviceInfo",
    "ScanFailedError",
    "ScanSettings",
    "Scanner",
    "Source",
    "available_backends",
    "default_scanner",
]
