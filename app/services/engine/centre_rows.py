"""Rows the centre would refuse, asked of the centre itself before 全部提交 (any business).

POST /submissions/check runs the centre's own row checks (account state, unit, a conflicting
submission pending anywhere, months) without recording anything. The answer is keyed by the
rows' unique key (证件号码) so `PendingLists.recheck` marks each refused row with its reason.
Offline or logged out, nothing is marked: the centre checks again when the list arrives.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from app.errors import KnownError
from app.services.api.records import RowProblem
from app.services.engine.centre_check import CentreCheck

logger = logging.getLogger(__name__)


class RowsCheckSource(Protocol):
    def check_rows(self, business: str, rows: Sequence[Mapping[str, Any]]) -> list[RowProblem]: ...


class HasValues(Protocol):
    @property
    def values(self) -> dict[str, str]: ...


def centre_rows_check(
    client: Callable[[], AbstractContextManager[RowsCheckSource]] | None,
    business: str,
    rows: Callable[[], Sequence[HasValues]],
    key: str = "id_number",
) -> CentreCheck:
    """A CentreCheck sending the list's rows (read at each check) to the centre."""

    def check(_keys: Sequence[str]) -> dict[str, str]:
        current = list(rows())
        if client is None or not current:
            return {}
        try:
            with client() as api:
                problems = api.check_rows(business, [dict(r.values) for r in current])
        except KnownError as error:  # offline, logged out, 5xx: the centre checks on arrival
            logger.info("%s centre check skipped: %s", business, error.message)
            return {}
        found: dict[str, str] = {}
        for problem in problems:
            if 1 <= problem.row <= len(current):
                value = str(current[problem.row - 1].values.get(key) or "").upper()
                if value:
                    found.setdefault(value, problem.message)
        return found

    return check
