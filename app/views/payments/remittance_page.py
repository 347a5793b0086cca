"""汇缴核定: the proposed month, every figure a clerk checks, the people behind them; 导出, 保存,
提交. Each button is one service call, run in the background (the centre may be asked)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import KnownError
from app.services.attachments import AttachmentService
from app.services.payments.assessment import RemittanceAssessments
from app.services.payments.export import export_people, people_records
from app.services.payments.remittance import RemittanceFigures, Tally
from app.services.policy import CentrePolicy
from app.services.scanning import Scanner
from app.views.business.submit_dialog import SubmitDialog
from app.views.file_dialogs import get_save_file_name
from app.views.list_model import ListTableModel
from app.views.looks import set_role, set_state
from app.views.ops import Op
from app.views.table_columns import grouped

FIGURES = (
    ("month", "核定月份"),
    ("monthly_total", "月缴存额"),
    ("temporary_balance", "暂存款余额"),
    ("assessed_total", "核定总金额"),
    ("last_month", "上月人数/金额"),
    ("increase", "本月增加"),
    ("decrease", "本月减少"),
    ("adjustment", "基数/比例调整"),
    ("this_month", "本月人数/金额"),
)
BILL_FIGURES = 4  # the month and the money: the left column; the people's tallies the right
COLUMNS = ("个人账号", "姓名", "缴存基数", "本月月缴存额", "上月月缴存额", "变动")
KEYS = ("account_no", "name", "base", "amount", "last", "change")
NEEDS_CENTRE = "需联网"
AMOUNTS = range(2, 5)  # 缴存基数, 本月月缴存额, 上月月缴存额: right-aligned, grouped


class PeopleModel(ListTableModel[dict[str, str]]):
    def __init__(self) -> None:
        super().__init__(COLUMNS)

    def cell(self, item: dict[str, str], column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            text = item[KEYS[column]]
            return grouped(text) if column in AMOUNTS else text  # as the figures above
        if role == Qt.ItemDataRole.TextAlignmentRole and column in AMOUNTS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _money(value: Decimal | None) -> str:
    return NEEDS_CENTRE if value is None else f"{value:,.2f} 元"


def _tally(value: Tally | None) -> str:
    return "—（见下方说明）" if value is None else f"{value.count} 人，{value.amount:,.2f} 元"


def figure_texts(figures: RemittanceFigures) -> dict[str, str]:
    """What each figure label reads."""
    return {
        "month": figures.month.label,
        "monthly_total": _money(figures.monthly_total),
        "temporary_balance": _money(figures.temporary_balance),
        "assessed_total": _money(figures.assessed_total),
        "last_month": _tally(figures.last_month),
        "increase": _tally(figures.increase),
        "decrease": _tally(figures.decrease),
        "adjustment": "—" if figures.adjustment is None else f"{figures.adjustment:+,.2f} 元",
        "this_month": _tally(figures.this_month),
    }


class RemittancePage(QWidget):
    submitted = Signal(int)  # the outbox item's id

    def __init__(
        self,
        service: RemittanceAssessments,
        attachments: AttachmentService,
        policy: Callable[[], CentrePolicy],
        scanner: Scanner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.attachments = attachments
        self.policy = policy
        self.scanner = scanner
        self.figures: RemittanceFigures | None = None
        self.working: Op[Any] | None = None
        self.submit_dialog: SubmitDialog | None = None
        self._build()
        self.assess()

    # --- layout --------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        title = QLabel("汇缴核定")
        set_role(title, "page-title")
        layout.addWidget(title)
        grid = QGridLayout()
        self.values: dict[str, QLabel] = {}
        # Two columns, the bill on the left and the people on the right: three did not fit a
        # 1024×768 screen at 125 % once a big unit's amounts were in (tests/views).
        for index, (key, label) in enumerate(FIGURES):
            value = QLabel("…")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[key] = value
            row, col = (index, 0) if index < BILL_FIGURES else (index - BILL_FIGURES, 1)
            grid.addWidget(QLabel(label + "："), row, col * 3)
            grid.addWidget(value, row, col * 3 + 1)
        grid.setColumnMinimumWidth(2, 24)  # a gap between the two columns
        grid.setColumnStretch(5, 1)
        layout.addLayout(grid)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        set_state(self.notes, "warning")
        layout.addWidget(self.notes)
        self.model = PeopleModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (
            ("assess", "重新核定", self.assess),
            ("export", "导出明细…", self.export),
            ("save", "保存", self.save),
            ("submit", "提交…", self.submit),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
            self.buttons[key] = button
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)

    # --- showing -------------------------------------------------------------------------------
    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        set_state(self.message, "error" if error else "ok")

    def _show(self, figures: RemittanceFigures) -> None:
        self.figures = figures
        for key, text in figure_texts(figures).items():
            self.values[key].setText(text)
        self.notes.setText("\n".join(figures.needs_server))
        self.model.set_items(people_records(figures))
        self._enable()

    def _enable(self) -> None:
        busy = self.working is not None
        have = self.figures is not None
        self.buttons["assess"].setEnabled(not busy)
        for key in ("export", "save"):
            self.buttons[key].setEnabled(have and not busy)
        self.buttons["submit"].setEnabled(not busy and self.service.saved_month() is not None)

    def _failed(self, error: BaseException) -> None:
        self.working = None
        self._say(error.message if isinstance(error, KnownError) else str(error), error=True)
        self._enable()

    def _run(self, fn: Callable[[], Any], done: Callable[[Any], None]) -> Op[Any]:
        def finished(result: Any) -> None:
            self.working = None
            done(result)
            self._enable()

        self.working = Op(self, lambda _ctx: fn()).success(finished).failure(self._failed)
        self._enable()
        return self.working.run()

    # --- actions (one service call each) -------------------------------------------------------
    def assess(self) -> Op[Any]:
        self._say("正在核定…")
        return self._run(self.service.assess, self._assessed)

    def _assessed(self, figures: RemittanceFigures) -> None:
        self._show(figures)
        self._say(f"已核定 {figures.month}：{len(figures.people)} 人。核对无误后点“保存”。")

    def save(self) -> Op[Any] | None:
        if self.figures is None:
            return None
        month = self.figures.month
        return self._run(lambda: self.service.save(month), self._saved)

    def _saved(self, figures: RemittanceFigures) -> None:
        self._show(figures)
        self._say(f"已保存 {figures.month} 的汇缴核定，可以提交。")

    def export(self, path: str | None = None) -> Path | None:
        if self.figures is None:
            return None
        if path is None:
            path, _ = get_save_file_name(
                self, "导出汇缴核定明细", f"汇缴核定明细_{self.figures.month}.xlsx",
                "Excel 工作簿 (*.xlsx)", purpose="export",
            )  # fmt: skip
            if not path:
                return None
        try:
            written = export_people(self.figures, path)
        except KnownError as exc:
            self._say(exc.message, error=True)
            return None
        self._say(f"已导出：{written}")
        return written

    def submit(self) -> None:
        dialog = SubmitDialog(
            self.service.pending, self.attachments, self.policy(), self, scanner=self.scanner
        )
        dialog.accepted.connect(lambda: self._submitted(dialog))
        self.submit_dialog = dialog
        dialog.open()

    def _submitted(self, dialog: SubmitDialog) -> None:
        if dialog.outbox_id is None:
            return
        self._say(f"已提交（提交编号 {dialog.outbox_id}）；联网后自动上传，可在核定查询中查看。")
        self.submitted.emit(dialog.outbox_id)
        self._enable()
