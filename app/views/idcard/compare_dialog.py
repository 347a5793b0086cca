"""核对身份证识别结果: where the card and the form differ, the clerk chooses; a number that failed
its checks is shown digit by digit with the likely misread digits marked, never filled silently.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.services.idcard.numbers import NumberVerdict
from app.views.looks import set_role, set_state


class CompareDialog(QDialog):
    """Both values side by side for each conflict; the typed one is kept unless chosen."""

    def __init__(
        self,
        conflicts: dict[str, tuple[str, str, str]],  # key: (label, typed, card)
        number: NumberVerdict | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("cardCompareDialog")
        self.setWindowTitle("核对身份证识别结果")
        self.setMinimumWidth(440)  # the boxes' titles are read whole, not cut at the edge
        self.choices: dict[str, QRadioButton] = {}  # key → "use the card's value" button
        self.number = number
        self.fill_number: QCheckBox | None = None
        self.digit_labels: list[QLabel] = []
        layout = QVBoxLayout(self)
        if conflicts:
            layout.addWidget(self._conflicts_box(conflicts))
        if number is not None and not number.trusted:
            layout.addWidget(self._number_box(number))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("按所选填入")
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def _conflicts_box(self, conflicts: dict[str, tuple[str, str, str]]) -> QGroupBox:
        box = QGroupBox("已填写的内容与身份证不一致，请选择保留哪一个")
        grid = QGridLayout(box)
        grid.addWidget(QLabel("项目"), 0, 0)
        grid.addWidget(QLabel("已填写"), 0, 1)
        grid.addWidget(QLabel("身份证上识别到"), 0, 2)
        for row, (key, (label, typed, card)) in enumerate(conflicts.items(), start=1):
            keep, take = QRadioButton(typed), QRadioButton(card)
            keep.setObjectName(f"keep-{key}")
            take.setObjectName(f"card-{key}")
            keep.setChecked(True)  # typed work is never replaced unless the clerk says so
            group = QButtonGroup(box)
            group.addButton(keep)
            group.addButton(take)
            grid.addWidget(QLabel(label + "："), row, 0)
            grid.addWidget(keep, row, 1)
            grid.addWidget(take, row, 2)
            self.choices[key] = take
        return box

    def _number_box(self, number: NumberVerdict) -> QGroupBox:
        box = QGroupBox("公民身份号码未通过校验，没有自动填入")
        column = QVBoxLayout(box)
        digits = QHBoxLayout()
        digits.setSpacing(1)
        for i, ch in enumerate(number.number):
            label = QLabel(ch)
            label.setObjectName(f"digit-{i}")
            set_role(label, "id-digit")
            set_state(label, "suspect" if i in number.suspects else "plain")
            if i in number.suspects:
                label.setToolTip("这一位可能识别错误，请与证件原件核对")
            digits.addWidget(label)
            self.digit_labels.append(label)
        digits.addStretch(1)
        column.addLayout(digits)
        message = QLabel(number.message or "")
        message.setWordWrap(True)
        set_state(message, "warning")
        column.addWidget(message)
        if number.candidates:
            column.addWidget(QLabel("改正一位即可通过校验的号码：" + "、".join(number.candidates)))
        if len(number.number) == 18:
            self.fill_number = QCheckBox("仍然填入识别到的号码（我会对照原件改正标出的数字）")
            self.fill_number.setObjectName("fillUncheckedNumber")
            column.addWidget(self.fill_number)
        return box

    def chosen(self) -> list[str]:
        """The keys whose card value the clerk chose over the typed one."""
        return [key for key, button in self.choices.items() if button.isChecked()]

    def suspect_digits(self) -> list[int]:
        return [
            i for i, label in enumerate(self.digit_labels) if label.property("state") == "suspect"
        ]

    def fill_unchecked_number(self) -> bool:
        return self.fill_number is not None and self.fill_number.isChecked()
