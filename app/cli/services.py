"""Opening the local store for a command (lazily: `check-id` needs no database)."""

from __future__ import annotations

from app.services.context import AppServices
from app.services.policy import CentrePolicy, load_default


def open_services() -> AppServices:
    return AppServices.open()


def current_policy() -> CentrePolicy:
    """The policy for the current unit if there is one, else the bundled default."""
    services = open_services()
    try:
        unit = services.units.current()
        return services.units.policy(unit.id) if unit else load_default()
    finally:
        services.close()
