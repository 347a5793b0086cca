"""The list-level values of a 清册 (a month, a reason default), entered once above it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from app.errors import KnownError
from app.services.engine.pending import BusinessList
from app.services.engine.spec import FieldSpec
from app.services.policy import CentrePolicy
from app.views.business.form import FieldEditor
from app.views.looks import set_state

PREFIX = "整个清册统一填写"
HOLDS_FOR = "清册中这几项留空的记录（含批量导入的）采用这里的值"


def list_value_name(field: FieldSpec) -> str:
    """The accessible name of a list-level editor: 整个清册统一填写的封存原因, not 封存原因."""
    return f"{PREFIX}的{field.label}"


class ListValuesBar(QWidget):
    """One editor per list-level field and 统一设置; rows left blank there take these values."""

    saved = Signal()

    def __init__(
        self,
        pending: BusinessList,
        policy: Callable[[], CentrePolicy],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("listValues")
        self.pending = pending
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(f"{PREFIX}："))
        self.editors: dict[str, FieldEditor] = {}
        for field in pending.spec.list_level:
            # Optional here even where the row requires it: blank means "no list value".
            editor = FieldEditor(_optional(field), policy(), self)
            # The form above has an editor of the same field: a screen reader (and a test
            # finding widgets by name) must tell the list's value from the row's.
            editor.widget.setObjectName(f"list-field-{field.key}")
            editor.widget.setAccessibleName(list_value_name(field))
            editor.widget.setAccessibleDescription(HOLDS_FOR)
            self.editors[field.key] = editor
            layout.addWidget(editor.label)
            layout.addWidget(editor.widget, 1)
        self.save_button = QPushButton("统一设置")
        self.save_button.setObjectName("saveListValues")
        self.save_button.setToolTip(HOLDS_FOR)
        self.save_button.clicked.connect(self.save)
        layout.addWidget(self.save_button)
        self.message = QLabel()
        self.message.setObjectName("listValuesMessage")
        layout.addWidget(self.message, 1)
        self.setVisible(bool(self.editors))

    def load(self) -> None:
        values = self.pending.list_values()
        for key, editor in self.editors.items():
            editor.set_value(values.get(key, ""))

    def save(self) -> None:
        try:
            self.pending.set_list_values({k: e.value() for k, e in self.editors.items()})
        except KnownError as error:
            set_state(self.message, "error")
            self.message.setText(error.message)
            return
        set_state(self.message, "ok")
        self.message.setText("已设置")
        self.saved.emit()


def _optional(field: FieldSpec) -> FieldSpec:
    return dataclasses.replace(field, required=False)
