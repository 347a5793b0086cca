"""查找职工: look anyone of the unit up by 姓名, 个人账号 or 证件号码 — offline, from the cache."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.services.engine.spec import RosterEntry
from app.services.roster import RosterService
from app.services.rules.money import format_ratio
from app.views.person_lookup import PersonLookupField


class PersonDialog(QDialog):
    def __init__(self, roster: RosterService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("查找职工")
        self.lookup = PersonLookupField(roster, self)
        self.lookup.person_selected.connect(self.show_person)
        intro = QLabel(
            "输入姓名、个人账号或证件号码中的任意一项，按 Tab 或点选提示即可反显。"
            + f"（本地名册共 {roster.count()} 人）"
        )
        intro.setWordWrap(True)
        self.details: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, label in (
            ("id_type", "证件类型"),
            ("unit_ratio", "单位缴存比例"),
            ("personal_ratio", "个人缴存比例"),
            ("paid_to", "缴至年月"),
        ):
            value = QLabel("—")
            value.setObjectName(f"detail-{key}")
            self.details[key] = value
            form.addRow(label + "：", value)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.lookup)
        layout.addLayout(form)
        layout.addWidget(buttons)
        # 720 wide where there is room; a 1024×768 screen at 150 % has only 683 (issue 8).
        room = self.screen().availableGeometry().width() - 24
        self.resize(min(720, room), self.sizeHint().height())

    def show_person(self, person: RosterEntry | None) -> None:
        def ratio(value: object) -> str:
            return format_ratio(value) if value is not None else "—"  # type: ignore[arg-type]

        values = {
            "id_type": person.id_type if person else "—",
            "unit_ratio": ratio(person.unit_ratio) if person else "—",
            "personal_ratio": ratio(person.personal_ratio) if person else "—",
            "paid_to": (person.paid_to or "—") if person else "—",
        }
        for key, label in self.details.items():
            label.setText(values[key])
