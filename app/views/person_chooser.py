"""The lookup's suggestions model and the chooser for a name several people share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.roster import LookupKey
from app.services.roster_entry import RosterEntry
from app.services.rules.idnumber import mask_id

PERSON_ROLE = Qt.ItemDataRole.UserRole + 1

AnyIndex = QModelIndex | QPersistentModelIndex


def key_value(person: RosterEntry, key: LookupKey) -> str:
    return str(getattr(person, key.value))


class PersonSuggestionModel(QAbstractListModel):
    """The suggestions under one lookup field: display text, and the field's own value to insert."""

    def __init__(self, key: LookupKey, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self._persons: list[RosterEntry] = []

    def set_persons(self, persons: Sequence[RosterEntry]) -> None:
        self.beginResetModel()
        self._persons = list(persons)
        self.endResetModel()

    def persons(self) -> list[RosterEntry]:
        return list(self._persons)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._persons)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._persons):
            return None
        person = self._persons[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(person)
        if role == Qt.ItemDataRole.EditRole:
            return key_value(person, self.key)  # what the completer puts into the field
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._display(person)
        if role == PERSON_ROLE:
            return person
        return None

    def _display(self, person: RosterEntry) -> str:
        # The clerk typing an ID number sees it whole; elsewhere the number is masked.
        number = person.id_number if self.key is LookupKey.ID_NUMBER else mask_id(person.id_number)
        return f"{person.name}　{person.account_no}　{number}　{person.status}"


class PersonChooserDialog(QDialog):
    """Which of the people sharing a name: name, masked ID, 个人账号, status."""

    def __init__(self, persons: Sequence[RosterEntry], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.persons = list(persons)
        self.setWindowTitle("选择职工")
        self.setObjectName("personChooser")
        hint = QLabel(f"有 {len(self.persons)} 名职工同名，请选择：")
        self.table = QTableWidget(len(self.persons), 4)
        self.table.setObjectName("personChooserTable")
        self.table.setAccessibleName("同名职工列表")
        self.table.setHorizontalHeaderLabels(["姓名", "证件号码", "个人账号", "状态"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        for row, person in enumerate(self.persons):
            values = (person.name, mask_id(person.id_number), person.account_no, person.status)
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.selectRow(0)
        self.table.doubleClicked.connect(self.accept)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("选择")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(520, 120 + 32 * min(len(self.persons), 8))

    def chosen(self) -> RosterEntry | None:
        row = self.table.currentRow()
        return self.persons[row] if 0 <= row < len(self.persons) else None
