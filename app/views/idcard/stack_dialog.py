"""The preview of a stack of cards before 加入待开户清册: who will be added, which pages will not.

Only people whose 公民身份号码 passed every check are listed to be added; the pages left out
(a misread number, no card front, the same person twice, already in the 清册) are named with
the reason, so the clerk handles them by hand. No full doubtful number is shown.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.idcard.stack_list import StackPreview
from app.views.looks import set_state

COLUMNS = (
    ("name", "姓名"),
    ("id_number", "公民身份号码"),
    ("sex", "性别"),
    ("birth_date", "出生日期"),
)


class CardStackDialog(QDialog):
    """The people read from the stack, and 加入待开户清册 / 取消."""

    def __init__(self, stack: StackPreview, list_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cardStackDialog")
        self.setWindowTitle("从身份证批量读取 — 核对后加入")
        self.stack = stack
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"以下 {len(stack.people)} 人的公民身份号码已通过校验，将加入{list_name}；"
            "手机号码、缴存基数留待补全（在清册中修改，或按证件号码导入模版）。"
            "每人的身份证页面放入“身份证复印件”。"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        if stack.note:  # a feeder scan that stopped early: say so before the list
            note = QLabel(stack.note)
            note.setWordWrap(True)
            set_state(note, "warning")
            layout.addWidget(note)
        self.table = QTableWidget(len(stack.people), len(COLUMNS))
        self.table.setObjectName("cardStackTable")
        self.table.setHorizontalHeaderLabels([label for _key, label in COLUMNS])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (_page, values) in enumerate(stack.people):
            for column, (key, _label) in enumerate(COLUMNS):
                self.table.setItem(row, column, QTableWidgetItem(values.get(key, "")))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.flagged = QListWidget()
        self.flagged.setObjectName("cardStackFlagged")
        self.flagged.setWordWrap(True)  # the reason is read whole, never cut at the edge
        self.flagged.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for page, why in stack.flagged:
            self.flagged.addItem(f"{page}：{why}")
        if stack.flagged:
            box = QGroupBox(f"以下 {len(stack.flagged)} 页未加入，请对照原件手工处理")
            set_state(box, "warning")
            inside = QVBoxLayout(box)
            inside.addWidget(self.flagged)
            layout.addWidget(box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.add_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.add_button.setText(f"加入{list_name}")
        self.add_button.setObjectName("addCardsButton")
        self.add_button.setEnabled(bool(stack.people))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 480)

    def shown_rows(self) -> list[list[str]]:
        """The table as the clerk sees it (tests, and a check that nothing doubtful is there)."""
        rows = range(self.table.rowCount())
        columns = range(self.table.columnCount())
        return [[(i.text() if (i := self.table.item(r, c)) else "") for c in columns] for r in rows]
