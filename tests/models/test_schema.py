"""The migrations build exactly the schema the models describe (no forgotten migration)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from app.models import Base
from app.services.store import Store


# SQLAlchemy cannot reflect an expression index (0004's ID-ending index), so it leaves it out
# of the comparison and says so; tests/services/test_roster_lookup.py checks that index.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_migrated_database_matches_the_models(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "db.sqlite3")
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"render_as_batch": True})
        assert compare_metadata(context, Base.metadata) == []
    store.close()


def test_models_and_services_do_not_import_qt_widgets() -> None:
    """STYLE.md §1: the core stays Qt-free so it runs headless and in the command line."""
    root = Path(__file__).resolve().parents[2] / "app"
    offenders = [
        str(path.relative_to(root))
        for folder in ("models", "services")
        for path in (root / folder).rglob("*.py")
        if "PySide6" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
