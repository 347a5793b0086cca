"""Rows the centre would refuse, found before 全部提交: people who already have an account.

The local rules cannot know that a person has an open account at another unit of the centre;
only the reviewer found it, and the whole list was stuck. When online, the ID numbers of the
list are sent to the centre (`POST /persons/open-accounts`), which answers only which of them
hold an open account and at which unit. Offline, nothing is marked and the reviewer decides.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from app.errors import KnownError
from app.services.api.models import OpenAccountHolder

logger = logging.getLogger(__name__)

# ID number (upper case) → the message shown on that row's 证件号码.
CentreCheck = Callable[[Sequence[str]], dict[str, str]]

ALREADY_OPEN = "证件号码已在中心有未销户的个人账户"


class OpenAccountSource(Protocol):
    def open_accounts(self, id_numbers: Sequence[str]) -> list[OpenAccountHolder]: ...


def holder_message(holder: OpenAccountHolder) -> str:
    if holder.in_own_unit:
        return f"{ALREADY_OPEN}：已是本单位职工，无需再开户（可在“查找职工”中查到）"
    return (
        f"{ALREADY_OPEN}（{holder.unit_name}，单位账号 {holder.unit_code}），"
        "不能在本单位重复开户；请先由原单位办理转移或销户，或删除此行"
    )


def open_account_check(
    client: Callable[[], AbstractContextManager[OpenAccountSource]] | None,
) -> CentreCheck:
    """A check over the centre's API; answers {} when not logged in or the centre is away."""

    def check(id_numbers: Sequence[str]) -> dict[str, str]:
        wanted = [n for n in id_numbers if n]
        if client is None or not wanted:
            return {}
        try:
            with client() as api:
                holders = api.open_accounts(wanted)
        except KnownError as error:  # offline, logged out, 5xx: the reviewer still checks
            logger.info("open-account check skipped: %s", error.message)
            return {}
        return {h.id_number.upper(): holder_message(h) for h in holders}

    return check
