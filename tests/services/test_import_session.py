"""The batch import's steps as a service: the checked file waits here, not in a widget."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import BadInputError, Cancelled
from app.services.context import AppServices
from app.services.engine.pending import PendingLists
from app.services.import_session import ImportSession
from tests.services.test_batch_import import FIXTURES, GOOD_ROWS, PENDING_PERSON, make_pending


@pytest.fixture
def pending(services: AppServices) -> PendingLists:
    made = make_pending(services)  # 周九 pending already: row 10 of the fixtures is bad
    made.add({"name": "周九", "id_number": PENDING_PERSON, "mobile": "13903781242", "base": "4300"})
    return made


def test_a_checked_file_waits_for_the_clerks_choice_and_is_used_up_by_the_import(
    pending: PendingLists, tmp_path: Path
) -> None:
    session = ImportSession(pending)
    verdict = session.check_file(FIXTURES / "batch.xlsx")
    assert verdict.error and verdict.message.startswith("发现问题")
    assert "共 11 行：正确 4 行，有误 7 行" in verdict.summary
    report = session.export_report(tmp_path / "错误报告.xlsx")
    assert report.exists()

    added = session.import_rows(valid_only=True)
    assert [r.source for r in added] == [f"batch.xlsx 第{n}行" for n in sorted(GOOD_ROWS)]
    with pytest.raises(BadInputError, match="请先选择文件"):
        session.import_rows(valid_only=True)  # not twice from one check


def test_a_refused_import_keeps_the_check_for_the_other_choice(pending: PendingLists) -> None:
    session = ImportSession(pending)
    session.check_file(FIXTURES / "batch.xls")
    with pytest.raises(BadInputError, match="不能全部导入"):
        session.import_rows(valid_only=False)
    assert len(session.import_rows(valid_only=True)) == len(GOOD_ROWS)


def test_a_cancelled_check_of_another_file_forgets_the_first(pending: PendingLists) -> None:
    session = ImportSession(pending)
    session.check_file(FIXTURES / "batch.xlsx")
    with pytest.raises(Cancelled):
        session.check_file(FIXTURES / "batch.ods", cancelled=lambda: True)
    with pytest.raises(BadInputError):
        session.import_rows(valid_only=True)  # never the rows of the file checked before
    assert len(pending.rows()) == 1  # only 周九


def test_discard_forgets_the_checked_file(pending: PendingLists) -> None:
    session = ImportSession(pending)
    session.check_file(FIXTURES / "batch.xlsx")
    session.discard()
    with pytest.raises(BadInputError):
        session.import_rows(valid_only=True)
