"""The 清册's search field: a short hint read whole at 125 %, what it matches in the tooltip,
and a search asked for once typing pauses (SQLite is asked, not once per keystroke)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLineEdit, QWidget

from app.services.engine.spec import BusinessSpec

SEARCH_DELAY_MS = 250


def search_hint(spec: BusinessSpec) -> str:
    """The search's tooltip: it matches any listed column and the error texts; the example is
    a person's name and number where the rows are people, else the list's key (缴存比例调整:
    调整年月)."""
    labels = {f.key: f.label for f in spec.list_fields()}
    examples = [labels[k] for k in ("name", "id_number", "account_no") if k in labels][:2]
    key = spec.row_key
    if not examples and key is not None and key in labels:
        examples = [labels[key]]
    like = f"（如{'、'.join(examples)}）" if examples else ""
    return f"在清册中查找：任一列的内容{like}或错误说明"


def search_field(spec: BusinessSpec, search: Callable[[], None], owner: QWidget) -> QLineEdit:
    """The field; `search` runs once typing has paused for SEARCH_DELAY_MS."""
    field = QLineEdit()
    field.setObjectName("listSearch")
    field.setPlaceholderText("在清册中查找…")
    field.setToolTip(search_hint(spec))
    hint = field.fontMetrics().horizontalAdvance(field.placeholderText())
    field.setMinimumWidth(hint + 24)  # the hint read whole, beside the clear button
    field.setClearButtonEnabled(True)
    timer = QTimer(owner)
    timer.setSingleShot(True)
    timer.setInterval(SEARCH_DELAY_MS)
    timer.timeout.connect(search)
    field.textChanged.connect(lambda _text: timer.start())
    return field
