"""A unit with a small roster, and its base-change service, over a real temporary store."""

from __future__ import annotations

import pytest

from app.services.adjustments.service import BaseChangeService
from app.services.context import AppServices
from tests.adjust_roster import small_unit


@pytest.fixture
def adjust(services: AppServices) -> BaseChangeService:
    return small_unit(services)
