"""The centre's open-account check on the 清册: marks the rows it names; offline, nothing."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from app.errors import OfflineError
from app.services.api.models import OpenAccountHolder
from app.services.engine.centre_check import ALREADY_OPEN, open_account_check
from app.services.engine.pending import PendingLists
from tests.services.engine.test_pending import LI, ZHANG, pending, row

__all__ = ["pending"]  # the fixture, shared with test_pending


class FakeCentre:
    def __init__(self, holders: list[OpenAccountHolder], error: Exception | None = None) -> None:
        self.holders = holders
        self.error = error
        self.asked: list[list[str]] = []

    def open_accounts(self, id_numbers: Sequence[str]) -> list[OpenAccountHolder]:
        self.asked.append(list(id_numbers))
        if self.error is not None:
            raise self.error
        return self.holders


def client_of(centre: FakeCentre):  # type: ignore[no-untyped-def]
    @contextmanager
    def make() -> Iterator[FakeCentre]:
        yield centre

    return make


def test_rows_the_centre_names_are_marked_with_the_unit(pending: PendingLists) -> None:
    centre = FakeCentre([OpenAccountHolder(LI.lower(), "100002", "开封市汴梁食品有限公司", False)])
    pending.centre_check = open_account_check(client_of(centre))
    pending.add(row())
    pending.add(row(name="李四", id_number=LI))

    marks = [r.errors for r in pending.recheck()]

    assert centre.asked == [[ZHANG, LI]]
    assert marks[0] == {}
    assert ALREADY_OPEN in marks[1]["id_number"] and "单位账号 100002" in marks[1]["id_number"]
    assert [r.errors for r in pending.rows()] == marks  # kept on the rows, shown in red


def test_offline_nothing_is_marked_and_the_reviewer_decides(pending: PendingLists) -> None:
    centre = FakeCentre([], OfflineError("无法连接公积金中心服务器", code="offline"))
    pending.centre_check = open_account_check(client_of(centre))
    pending.add(row())
    assert [r.errors for r in pending.recheck()] == [{}]
    assert open_account_check(None)([ZHANG]) == {}
