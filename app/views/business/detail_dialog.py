"""浏览 (every field of one pending row, read-only, with its problems) and 修改 in a dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.errors import KnownError
from app.services.engine.pending import PendingLists, RowInvalidError, RowView
from app.services.engine.rows import check_row
from app.services.engine.spec import BusinessSpec
from app.services.policy import CentrePolicy
from app.services.roster import RosterService
from app.views.business.form import BusinessForm
from app.views.business.pending_model import display_value
from app.views.looks import set_state


class RowDetailDialog(QDialog):
    def __init__(self, spec: BusinessSpec, row: RowView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"浏览 — {spec.name}")
        form = QFormLayout()
        for field in spec.fields:
            # The same text as the list's cell: 12%, 6,200.00.
            value = QLabel(display_value(field.kind, row.values.get(field.key, "")) or "—")
            value.setObjectName(f"detail-{field.key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            error = row.errors.get(field.key)
            if error:
                value.setText(f"{value.text()}  ⚠ {error}")
                set_state(value, "error")
            value.setWordWrap(True)
            form.addRow(field.label + "：", value)
        if row.source:
            form.addRow("来源：", QLabel(row.source))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        body = QWidget()
        body.setLayout(form)
        scroll = QScrollArea()  # a long spec still fits a 768-pixel-high screen
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        self.resize(480, min(body.sizeHint().height() + 80, 600))


class RowEditDialog(QDialog):
    """修改 one row of the 清册 where there is no entry form (the batch page)."""

    def __init__(
        self,
        pending: PendingLists,
        policy: CentrePolicy,
        row: RowView,
        parent: QWidget | None = None,
        *,
        roster: RosterService | None = None,
    ) -> None:
        super().__init__(parent)
        self.pending = pending
        self.row_id = row.id
        self.saved: RowView | None = None
        self.setWindowTitle(f"修改 — {pending.spec.name}")
        # The same 反显 person lookup as the entry form: any one of 姓名 / 个人账号 / 证件号码.
        self.form = BusinessForm(pending.spec, policy, roster=roster)
        self.form.set_values(row.values)
        self.form.show_errors(row.errors)
        self._context = pending.snapshot()
        self.form.changed.connect(self._preview)
        self.form.submit_requested.connect(self.save)
        self.message = QLabel()
        self.message.setObjectName("editMessage")
        self.message.setWordWrap(True)
        set_state(self.message, "error")
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存修改", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveButton")
        cancel = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("cancelButton")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        # The form keeps its rows together at the top; extra height is left blank below it
        # (the scroll area used to spread the groups' rows apart over the dialog's height).
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.form)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(760, 520)

    def _preview(self) -> None:
        result = check_row(self.pending.spec, self.form.values(), self._context, row_id=self.row_id)
        self.form.show_derived(result.values)
        if not self.form.recheck(result.errors):
            self.message.clear()

    def save(self) -> None:
        try:
            self.saved = self.pending.update(self.row_id, self.form.values())
        except RowInvalidError as error:
            self.form.show_errors(error.errors)
            self.message.setText(f"有 {len(error.errors)} 处需要修改，见各项旁的提示。")
            return
        except KnownError as error:
            self.message.setText(error.message)
            return
        self.accept()
