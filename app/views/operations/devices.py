"""The scanners this PC can see, listed off the UI thread (a network scanner may be slow)."""

from __future__ import annotations

from app.services.scanning import DeviceInfo, Scanner
from app.views.ops import Op


def list_devices(scanner: Scanner) -> Op[list[DeviceInfo]]:
    """Owned by no widget: a picker closed meanwhile simply never hears the answer."""
    return Op(None, lambda _ctx: scanner.list_devices())
