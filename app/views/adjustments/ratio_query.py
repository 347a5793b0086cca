"""缴存比例调整查询: each change's ratios, its state with the day, and what that means.

The engine's 查询 page (filters, 重新修改, 重新上传, the centre's records) with the columns a
ratio change has instead of a person's, and the sentence saying when new ratios come into force.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout

from app.services.adjustments.ratio_history import RatioChangeHistory, RatioChangeRow
from app.services.businesses.ratio_change import STATES_SENTENCE
from app.services.engine.history import HistoryRow, SubmissionHistory
from app.views.business.query_page import HistoryModel, QueryPage
from app.views.list_model import ListTableModel
from app.views.looks import set_state

COLUMNS = (
    "提交时间",
    "调整年月",
    "单位缴存比例",
    "个人缴存比例",
    "原比例（单位/个人）",
    "状态",
    "状态日期",
    "说明",
)
OLD_COLUMN = COLUMNS.index("原比例（单位/个人）")
SHOWN = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)


class RatioChangeModel(HistoryModel):
    """One row per ratio change; the row's colour as every 查询 page colours its state."""

    def __init__(self) -> None:
        ListTableModel.__init__(self, COLUMNS)

    def cell(self, item: HistoryRow, column: int, role: int) -> Any:
        if role not in SHOWN:
            return super().cell(item, 0, role)  # the state's colour
        if not isinstance(item, RatioChangeRow):
            return None
        values = (
            item.submitted_at.strftime("%Y-%m-%d %H:%M"),
            item.effective_month,
            item.unit_ratio,
            item.personal_ratio,
            item.old_ratios,
            item.state,
            item.state_on,
            item.reason or item.note,
        )
        if role == Qt.ItemDataRole.ToolTipRole and column == OLD_COLUMN and item.old_ratios_tip:
            return item.old_ratios_tip  # why "—", or where a filled 原比例 came from
        return values[column]


class RatioQueryPage(QueryPage):
    """Built as every 查询 page is (pages.py); reads the history with each state's day."""

    model_class = RatioChangeModel

    def __init__(self, title: str, history: SubmissionHistory, *args: Any, **kwargs: Any) -> None:
        dated = RatioChangeHistory(history.store, history.unit_id)
        super().__init__(title, dated, *args, **kwargs)
        sentence = QLabel(f"缴存比例调整{STATES_SENTENCE}")
        sentence.setObjectName("ratioStates")
        sentence.setWordWrap(True)
        set_state(sentence, "info")
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(1, sentence)  # under the heading
        # A ratio change names no person: the person filter has nothing to match.
        self.person.hide()
        for label in self.findChildren(QLabel):
            if label.text() == "人员：":
                label.hide()

    def refresh(self, keep_selection: bool = False) -> None:
        super().refresh(keep_selection)
        self.message.setText(f"共 {self.model.rowCount()} 笔缴存比例调整")  # not "N 人"

    def rows(self) -> list[RatioChangeRow]:
        """The rows shown, for tests and the detail of a selection."""
        found = (self.model.item(i) for i in range(self.model.rowCount()))
        return [row for row in found if isinstance(row, RatioChangeRow)]
