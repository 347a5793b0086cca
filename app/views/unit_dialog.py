"""Adding a unit (单位) to this PC."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.errors import KnownError
from app.services.units import UnitInfo, UnitService
from app.views.looks import set_state


class AddUnitDialog(QDialog):
    def __init__(self, units: UnitService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.units = units
        self.added: UnitInfo | None = None
        self.setWindowTitle("添加单位")
        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("unitCode")
        self.code_edit.setPlaceholderText("例如 100001")
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("unitName")
        self.error_label = QLabel()
        self.error_label.setObjectName("unitError")
        set_state(self.error_label, "error")
        self.error_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow("单位账号(&C)：", self.code_edit)
        form.addRow("单位名称(&N)：", self.name_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("添加")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self._add)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)

    def _add(self) -> None:
        try:
            self.added = self.units.add(self.code_edit.text(), self.name_edit.text())
        except KnownError as error:
            self.error_label.setText(error.message)
            target = self.name_edit if error.field == "name" else self.code_edit
            target.setFocus()
            return
        self.accept()
