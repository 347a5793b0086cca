"""The services one running client uses, built once at start and passed to what needs them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.services.settings import Settings
from app.services.store import Store
from app.services.units import UnitService


@dataclass
class AppServices:
    store: Store
    settings: Settings
    units: UnitService

    @classmethod
    def open(cls, database: Path | None = None, *, settings: Settings | None = None) -> AppServices:
        """Open the store; `settings` when the window already read them (it shows first)."""
        store = Store.open(database)
        settings = settings if settings is not None else Settings()
        return cls(store=store, settings=settings, units=UnitService(store, settings))

    def close(self) -> None:
        self.store.close()
