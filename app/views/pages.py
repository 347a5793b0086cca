"""Which page each menu entry opens, for the current unit (wiring by constructor)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from app.services.attachments import AttachmentService
from app.services.businesses import SPECS
from app.services.context import AppServices
from app.services.engine.pending import PendingLists
from app.views.business.pending_page import PendingPage

PageFactory = Callable[[], QWidget]


def _no_unit() -> QWidget:
    label = QLabel("请先点击上方的“添加单位…”添加本单位，再办理业务。")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


def page_factories(services: AppServices) -> dict[str, PageFactory]:
    """A factory per menu entry that is built; the window disables the others."""

    def pending_page(code: str) -> PageFactory:
        def make() -> QWidget:
            unit = services.units.current()
            if unit is None:
                return _no_unit()
            policy = lambda: services.units.policy(unit.id)  # noqa: E731 - read at each use
            pending = PendingLists(services.store, SPECS[code], unit.id, policy)
            return PendingPage(pending, AttachmentService(services.store, unit.id), policy)

        return make

    return {"open-account": pending_page("open-account")}
