"""How every 查询 list sizes its columns: each to its header and contents, the last the rest.

An empty list still shows every header whole, with room around it; filled, a column grows to
what it shows (a long reason capped, its tooltip says it all). The last column takes what is
left, so its header is aligned left, where its text will start — centred, a lone header
floated in the middle of an empty stretch of the table.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QTableView

# The widest a column grows for its contents, in characters of 中: a long 退回 reason must not
# push the other columns off the page (its cell's tooltip shows it whole).
WIDEST_CHARS = 24


def prepare(table: QTableView) -> None:
    """The header of a 查询 list: columns the clerk can widen, the last stretched, read left."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def fit(table: QTableView) -> None:
    """Each column as wide as its header with room, and as its contents up to a cap; the last
    (stretched) column as wide as the room the others leave, or its header if that is more."""
    table.resizeColumnsToContents()
    model = table.model()
    metrics = table.fontMetrics()
    cap = metrics.horizontalAdvance("中" * WIDEST_CHARS)
    room = metrics.horizontalAdvance("0")  # a cell's text never touches the next column
    last = model.columnCount() - 1
    stretched = table.horizontalHeader().stretchLastSection()
    for column in range(model.columnCount()):
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        width = min(table.columnWidth(column) + room, cap)
        if column == last and stretched:
            width = 0  # it takes the room left, never more: a long text does not scroll the list
        table.setColumnWidth(column, max(width, header_room(table, title)))


def header_room(table: QTableView, title: str) -> int:
    """A header's text and two digits of room, in the wider of the header's and the cells' font."""
    fonts = (table.fontMetrics(), table.horizontalHeader().fontMetrics())
    return max(metrics.horizontalAdvance(title + "00") for metrics in fonts) + 8


def grouped(text: str) -> str:
    """An amount as the lists write one: 8400.00 as 8,400.00; words (需联网, blank) as they are."""
    try:
        return f"{Decimal(text):,.2f}"
    except ArithmeticError:
        return text
