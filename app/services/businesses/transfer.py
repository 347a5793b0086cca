"""内部转移 (seed §9): a person sealed at another unit of the centre moves into this one.

The person is not yet employed here, so the roster cannot name them: the clerk types 姓名 and
证件号码 and the centre answers (online only) with the 转出单位 and the account's state, or
why the move cannot be made. `transfer_fill` is that question, asked when a row is added;
offline it says so and nothing typed is lost. 添加, then 转移 (全部提交) with the materials.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol

from app.errors import AuthError, OfflineError, ServerRejectedError
from app.services.api.models import PersonLookup
from app.services.businesses.identity import identity_fields
from app.services.engine.pending import RowInvalidError
from app.services.engine.spec import BusinessSpec, FieldKind, FieldSpec, RowContext
from app.services.rules.idnumber import IdType
from app.services.rules.yearmonth import YearMonth

logger = logging.getLogger(__name__)
K = FieldKind

CENTRE_FIELDS = ("from_unit_name", "from_unit_code", "account_status")
FROM_CENTRE = "由中心根据姓名和证件号码查询填写"


def _from_centre(key: str, label: str) -> FieldSpec:
    """A field only the centre's answer fills: read-only in the form and the 修改 dialog."""
    return FieldSpec(key, label, K.TEXT, auto=True, centre_filled=True, note=FROM_CENTRE)


FIELDS = (
    *identity_fields(id_type_in_list=False),
    FieldSpec("month", "转入年月", K.MONTH, auto=True, aliases=("转移年月",), note="默认本月"),
    _from_centre("from_unit_name", "转出单位名称"),
    _from_centre("from_unit_code", "转出单位账号"),
    _from_centre("account_status", "账户状态"),
)


def derive(values: dict[str, str], ctx: RowContext, errors: dict[str, str]) -> None:
    if not values.get("id_type") and "id_type" not in errors:
        values["id_type"] = IdType.RESIDENT_ID.value
    now = YearMonth.today(ctx.today)
    if not values.get("month") and "month" not in errors:
        values["month"] = str(now)
    elif "month" not in errors and YearMonth.parse(values["month"]) > now:
        errors["month"] = f"转入年月不能晚于本月（{now}）"
    person = ctx.roster.find_id(values.get("id_number") or "")
    if person is not None and "id_number" not in errors:
        errors["id_number"] = (
            f"{person.name}已是本单位职工（个人账号 {person.account_no}，状态：{person.status}），"
            "无需内部转移"
        )


class TransferLookupSource(Protocol):
    def lookup_person(self, name: str, id_number: str) -> PersonLookup: ...


ONLINE_ONLY = (
    "内部转移须联网向中心查询转出单位：{reason}。已填写的内容仍在表单中，联网后再点“添加”。"
)


def transfer_fill(
    client: Callable[[], AbstractContextManager[TransferLookupSource]] | None,
) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    """The centre's answer for a row: 转出单位 and state filled in, or why it cannot move."""

    def fill(values: Mapping[str, Any]) -> dict[str, Any]:
        row = dict(values)
        if client is None:
            raise OfflineError(ONLINE_ONLY.format(reason="尚未登录中心服务器"), code="offline")
        try:
            with client() as api:
                found = api.lookup_person(str(row["name"]), str(row["id_number"]))
        except ServerRejectedError as error:  # no one with that name and ID (404)
            raise RowInvalidError({"id_number": error.message}) from error
        except OfflineError as error:
            raise OfflineError(ONLINE_ONLY.format(reason=error.message), code=error.code) from error
        except AuthError as error:
            raise AuthError(ONLINE_ONLY.format(reason=error.message), code=error.code) from error
        if found.transfer_refusal:
            raise RowInvalidError({"id_number": found.transfer_refusal})
        row.update(
            from_unit_name=found.unit_name,
            from_unit_code=found.unit_code,
            account_status=found.status,
        )
        return row

    return fill


SPEC = BusinessSpec(
    code="transfer",
    name="内部转移",
    list_name="待转移清册",
    fields=FIELDS,
    derive=derive,
    unique_key="id_number",
    centre_fill=transfer_fill,
    centre_row_checks=True,
    template_title="内部转移模版",
)
