"""全部提交 as a clerk reads it: a long material name whole, a business without materials plain."""

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


def test_a_business_without_materials_gets_a_plain_confirmation(
    qtbot: QtBot, services: AppServices, pending: PendingLists, attachments: AttachmentService
) -> None:
    """汇缴核定 asks for no 影像资料: no empty scan panel with 扫描 and 添加文件 to puzzle over."""
    policy = services.units.policy(pending.unit_id)
    materials = {**policy.materials, "open-account": ()}
    dialog = SubmitDialog(
        pending, attachments, replace(policy, materials=materials), scanner=NoScanner()
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert not dialog.panel.isVisible()
    assert dialog.intro.text() == "个人开户无需上传影像资料。点击“提交”即提交给中心。"
    assert dialog.submit_button.isVisible()
