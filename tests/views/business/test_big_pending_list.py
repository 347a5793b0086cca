"""A big 清册 (issue 12): a refresh measures the rows on screen, not every row of the list."""

from __future__ import annotations

from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import insert

from app.models import PendingRow
from app.services.attachments import AttachmentService
from app.services.businesses import SPECS
from app.services.context import AppServices
from app.services.engine.pending import PendingLists, RowView
from app.views.business.pending_list import PendingListPanel
from app.views.business.pending_model import PendingRowsModel
from tests.ids import resident_id

ROWS = 10_000


def fill(services: AppServices, pending: PendingLists, count: int) -> None:
    """`count` rows straight into the store (the engine's checks are not what is tested)."""
    list_id = pending.list_id()
    records = [
        {
            "list_id": list_id,
            "position": n,
            "data": {
                "name": f"职工{n}",
                "id_number": resident_id(f"41020319900101{n % 1000:03d}"),
                "mobile": f"139{n:08d}",
                "base": "5000.00",
            },
            "errors": {},
            "source": "测试",
        }
        for n in range(count)
    ]
    with services.store.session() as session:
        session.execute(insert(PendingRow), records)


def test_a_refresh_of_10000_rows_asks_only_for_the_cells_it_shows(
    qtbot: QtBot, services: AppServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fitting the columns asked every cell of 1,000 rows, ~10 times each: seconds frozen."""
    unit = services.units.add("100001", "开封市示范机械厂")
    pending = PendingLists(
        services.store, SPECS["open-account"], unit.id, lambda: services.units.policy(unit.id)
    )
    fill(services, pending, ROWS)
    panel = PendingListPanel(
        pending, AttachmentService(services.store, unit.id), lambda: services.units.policy(unit.id)
    )
    qtbot.addWidget(panel)
    panel.resize(1100, 700)
    panel.show()
    asked: list[int] = []
    original = PendingRowsModel.cell

    def counting(self: PendingRowsModel, item: RowView, column: int, role: int) -> Any:
        asked.append(column)
        return original(self, item, column, role)

    monkeypatch.setattr(PendingRowsModel, "cell", counting)

    panel.refresh()

    assert panel.model.rowCount() == ROWS
    assert "共 10000 条" in panel.summary.text()
    assert len(asked) < ROWS  # fewer cells than rows: the screen, not the list
    id_column = [field.key for field in panel.model.columns].index("id_number")
    width = panel.table.columnWidth(id_column)  # 证件号码 is still fitted: never cut
    assert width >= panel.table.fontMetrics().horizontalAdvance("410203199001010001")
