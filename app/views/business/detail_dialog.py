"""浏览: every field of one pending row, read-only, with its problems."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from app.services.engine.pending import RowView
from app.services.engine.spec import BusinessSpec


class RowDetailDialog(QDialog):
    def __init__(self, spec: BusinessSpec, row: RowView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"浏览 — {spec.name}")
        form = QFormLayout()
        for field in spec.fields:
            value = QLabel(row.values.get(field.key, "") or "—")
            value.setObjectName(f"detail-{field.key}")
            error = row.errors.get(field.key)
            if error:
                value.setText(f"{value.text()}  ⚠ {error}")
                value.setStyleSheet("color: #c62828;")
            value.setWordWrap(True)
            form.addRow(field.label + "：", value)
        if row.source:
            form.addRow("来源：", QLabel(row.source))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
