"""The import's store step: rows written as the ORM would write them."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from app.models.base import dump_json
from app.services.batch_import import import_rows, validate_file
from app.services.context import AppServices
from app.services.engine.table import table_spec
from app.services.policy import load_default
from app.services.spreadsheet import write_rows
from tests.ids import resident_id as rid
from tests.services.test_batch_import import SPEC, make_pending


def test_imported_rows_are_stored_as_the_orm_writes_them(
    services: AppServices, tmp_path: Path
) -> None:
    pending = make_pending(services)
    path = tmp_path / "people.xlsx"
    people = [
        {"name": "欧阳娜娜", "id_number": rid("41020319900101111"), "mobile": "13800000001"},
        {"name": "甲一", "id_number": rid("41020319900101222"), "mobile": "13800000002"},
    ]
    write_rows(path, table_spec(SPEC, load_default()), [p | {"base": "5000"} for p in people])
    added = import_rows(validate_file(path, SPEC, pending), pending, valid_only=False)
    with services.store.engine.connect() as connection:
        stored = connection.execute(text("SELECT id, data FROM pending_rows ORDER BY id")).all()
    assert [row_id for row_id, _ in stored] == [row.id for row in added]
    # Key for key and byte for byte what the column's own converter writes (sorted, not \\u).
    assert [data for _, data in stored] == [dump_json(row.values) for row in added]
    assert "欧阳娜娜" in stored[0][1]
    assert [row.values["name"] for row in pending.rows()] == ["欧阳娜娜", "甲一"]
