"""The left column of the panel: the materials the policy asks for and what each has.

Each row is a button (必传 or 选传 marked), a status line and a drop target for files. The list
only says what the clerk did (`chosen`, `files_dropped`); it knows nothing of the panel.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services.policy import Material
from app.views.attachments.page_view import local_files
from app.views.looks import set_role, set_state


class NameButton(QPushButton):
    """A checkable button whose name wraps onto more lines: a long material name (a centre's
    policy may name "职工代表大会或工会关于降低缴存比例的决议") is read whole, never cut."""

    PADDING = 16  # the style sheet's 8 px each side

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(name, parent)
        self.name = name
        self.setAccessibleName(name)
        self.setToolTip(name)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        text = wrapped(self.name, self.fontMetrics(), self.width() - self.PADDING)
        if text != self.text():
            self.setText(text)  # a new height: the row lays itself out again


def wrapped(text: str, metrics: QFontMetrics, width: int) -> str:
    """`text` broken into lines no wider than `width` (Chinese breaks between any characters)."""
    lines, line = [], ""
    for char in text:
        if line and metrics.horizontalAdvance(line + char) > width:
            lines.append(line)
            line = char
        else:
            line += char
    return "\n".join([*lines, line])


class MaterialRow(QFrame):
    """One material: its name (必传 marked) and what it has; files dropped on it go to it."""

    chosen = Signal(str)
    files_dropped = Signal(str, list)  # material, list[Path]

    def __init__(self, material: Material, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.material = material
        self.setObjectName("materialRow")
        self.setAcceptDrops(True)
        self.button = NameButton(material.name)
        self.button.setObjectName(f"material-{material.name}")
        set_role(self.button, "material")
        self.button.setCheckable(True)
        self.button.clicked.connect(lambda: self.chosen.emit(material.name))
        self.mark = QLabel()
        set_role(self.mark, "material-mark")
        self.set_required(material.required)
        self.status = QLabel("未添加")
        self.status.setObjectName(f"status-{material.name}")
        set_role(self.status, "material-status")
        self.status.setWordWrap(True)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.button, 1)
        top.addWidget(self.mark)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.status)

    def set_required(self, required: bool) -> None:
        """必传 or 选传 (a business may require an optional material when its rows need it)."""
        self.mark.setText("必传" if required else "选传")
        set_state(self.mark, "required" if required else "optional")

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if local_files(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        files = local_files(event)
        if files:
            event.acceptProposedAction()
            self.files_dropped.emit(self.material.name, files)


class MaterialList(QWidget):
    """The materials, one row each; `chosen` when the clerk picks one, `files_dropped` on one."""

    chosen = Signal(str)
    files_dropped = Signal(str, list)  # material, list[Path]

    def __init__(self, materials: Sequence[Material], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: dict[str, MaterialRow] = {}
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        title = QLabel("本业务需要的影像资料")
        set_role(title, "heading")
        layout.addWidget(title)
        for material in materials:
            row = MaterialRow(material)
            row.chosen.connect(self.chosen)
            row.files_dropped.connect(self.files_dropped)
            self.rows[material.name] = row
            layout.addWidget(row)
        if not materials:
            layout.addWidget(QLabel("本业务无需上传影像资料。"))
        layout.addStretch(1)
        self.status_labels = {name: row.status for name, row in self.rows.items()}

    def set_current(self, material: str) -> None:
        for name, row in self.rows.items():
            row.button.setChecked(name == material)

    def set_status(self, material: str, text: str, *, problem: bool = False) -> None:
        """The material's line: pages and size, 未添加, or what is wrong (shown as an error)."""
        label = self.rows[material].status
        label.setText(text)
        set_state(label, "error" if problem else "")
