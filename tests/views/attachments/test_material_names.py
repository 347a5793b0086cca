"""全部提交: a material's name is read whole, however long the centre's policy makes it."""

from __future__ import annotations

from dataclasses import replace

from pytestqt.qtbot import QtBot

from app.services.attachments import AttachmentService
from app.services.context import AppServices
from app.services.engine.pending import PendingLists
from app.services.policy import Material
from app.views.business.submit_dialog import SubmitDialog
from tests.views.attachments.conftest import NoScanner

LONG = "职工代表大会或工会关于降低住房公积金缴存比例的决议（须加盖单位公章）"


def test_a_long_material_name_wraps_and_is_read_whole(
    qtbot: QtBot, services: AppServices, pending: PendingLists, attachments: AttachmentService
) -> None:
    policy = services.units.policy(pending.unit_id)
    materials = {
        **policy.materials,
        "open-account": (Material(LONG, True), Material("劳动合同", False)),
    }
    dialog = SubmitDialog(
        pending, attachments, replace(policy, materials=materials), scanner=NoScanner()
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)

    button = dialog.panel.rows[LONG].button
    room = button.width() - 16  # inside the style's padding
    lines = button.text().split("\n")  # the name, broken onto as many lines as it needs
    assert "".join(lines) == LONG and len(lines) > 1
    assert all(button.fontMetrics().horizontalAdvance(line) <= room for line in lines)
    qtbot.waitUntil(lambda: button.height() >= button.sizeHint().height())  # none cut off
