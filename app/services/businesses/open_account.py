"""个人开户 (seed §1–2): a new hire's account, typed in one by one or imported from a template."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date
from typing import Any

from app.services.businesses.amounts import fill_amounts
from app.services.businesses.identity import identity_fields
from app.services.engine.centre_check import open_account_check
from app.services.engine.spec import BusinessSpec, FieldKind, FieldSpec, RowContext
from app.services.rules.idnumber import IdType, check_id_text
from app.services.rules.yearmonth import YearMonth

K = FieldKind

FIELDS = (
    # 基本信息 — what the web hall's form asks first.
    *identity_fields(),
    FieldSpec("sex", "性别", K.CHOICE, choices=("男", "女"), auto=True),
    FieldSpec("birth_date", "出生日期", K.DATE, auto=True, note="居民身份证可自动识别"),
    FieldSpec("mobile", "手机号码", K.MOBILE, required=True, aliases=("手机", "手机号")),
    FieldSpec(
        "base",
        "缴存基数",
        K.MONEY,
        required=True,
        aliases=("个人缴存基数", "月工资"),
        note="一般为上年度月平均工资",
    ),
    FieldSpec(
        "start_month", "起缴年月", K.MONTH, aliases=("起缴月份",), auto=True, note="默认入职次月"
    ),
    FieldSpec("unit_ratio", "单位缴存比例", K.RATIO, basic=False, auto=True, note="默认为单位比例"),
    FieldSpec(
        "personal_ratio", "个人缴存比例", K.RATIO, basic=False, auto=True, note="默认为单位比例"
    ),
    FieldSpec("unit_amount", "单位月缴存额", K.MONEY, derived=True),
    FieldSpec("personal_amount", "个人月缴存额", K.MONEY, derived=True),
    FieldSpec("monthly_amount", "月缴存额", K.MONEY, derived=True),
    # 更多信息 — revealed by 添加更多信息.
    FieldSpec("hire_date", "入职日期", K.DATE, basic=False, in_list=False),
    FieldSpec(
        "education",
        "学历",
        K.CHOICE,
        basic=False,
        in_list=False,
        choices=("博士研究生", "硕士研究生", "大学本科", "大学专科", "中专", "高中", "初中及以下"),
    ),
    FieldSpec(
        "marital_status",
        "婚姻状况",
        K.CHOICE,
        basic=False,
        in_list=False,
        choices=("未婚", "已婚", "离异", "丧偶"),
    ),
    FieldSpec("position", "职务", K.TEXT, basic=False, in_list=False, max_length=40),
    FieldSpec("title", "职称", K.TEXT, basic=False, in_list=False, max_length=40),
    FieldSpec("address", "家庭住址", K.TEXT, basic=False, in_list=False, max_length=120),
    FieldSpec("email", "电子邮箱", K.TEXT, basic=False, in_list=False, max_length=80),
    FieldSpec("bank_name", "开户银行", K.TEXT, basic=False, in_list=False, max_length=60),
    FieldSpec("bank_account", "银行账号", K.TEXT, basic=False, in_list=False, max_length=40),
)


SPEC_FIELDS = {f.key: f for f in FIELDS}
# The unit's ratios come with its profile when the clerk logs in (and with each sync).
RATIO_UNKNOWN = "尚未取得本单位的{label}：登录中心服务器后自动取得，也可手工填写"


def _from_id(values: dict[str, str], ctx: RowContext, errors: dict[str, str]) -> None:
    """性别 and 出生日期 follow from an 18-digit resident ID; a typed value must agree."""
    if "id_number" in errors or not values.get("id_number"):
        return
    check = check_id_text(
        values.get("id_type") or IdType.RESIDENT_ID.value, values["id_number"], ctx.today
    )
    if check.sex:
        if values.get("sex") and values["sex"] != check.sex:
            errors["sex"] = f"性别与证件号码不符（证件号码显示为{check.sex}）"
        values["sex"] = check.sex
    if check.birth_date:
        typed = values.get("birth_date")
        if typed and "birth_date" not in errors and typed != check.birth_date.isoformat():
            errors["birth_date"] = f"出生日期与证件号码不符（证件号码为 {check.birth_date}）"
        values["birth_date"] = check.birth_date.isoformat()


def _start_month(values: dict[str, str], ctx: RowContext, errors: dict[str, str]) -> None:
    """A new hire pays from the month after joining (PRODUCT.md); default to that."""
    if values.get("start_month") or "start_month" in errors:
        return
    joined = values.get("hire_date")
    day = date.fromisoformat(joined) if joined and "hire_date" not in errors else ctx.today
    values["start_month"] = _month_after(day)


@functools.lru_cache(maxsize=4096)
def _month_after(day: date) -> str:
    """The month after `day`'s, as text (a file's people joined on a few hundred days)."""
    return str(YearMonth.from_date(day).next())


def _amounts(values: dict[str, str], ctx: RowContext, errors: dict[str, str]) -> None:
    for key, unit_default in (
        ("unit_ratio", ctx.unit.unit_ratio),
        ("personal_ratio", ctx.unit.personal_ratio),
    ):
        if not values.get(key) and key not in errors:
            if unit_default is None:
                errors[key] = RATIO_UNKNOWN.format(label=SPEC_FIELDS[key].label)
            else:
                values[key] = str(unit_default)
    fill_amounts(values, ctx, errors)


def _not_in_roster(values: dict[str, str], ctx: RowContext, errors: dict[str, str]) -> None:
    if "id_number" in errors or not values.get("id_number"):
        return
    person = ctx.roster.find_id(values["id_number"])
    if person is not None:
        errors["id_number"] = (
            f"{person.name}已在本单位开户（个人账号 {person.account_no}，状态：{person.status}），"
            "不能重复开户"
        )


def account_of(values: Mapping[str, Any], result: Mapping[str, Any] | None) -> str:
    """The row's 个人账号: the one the centre gave on approval ({"accounts": [...]})."""
    if values.get("account_no"):
        return str(values["account_no"])
    id_number = str(values.get("id_number", "")).upper()
    for account in (result or {}).get("accounts", []):
        if isinstance(account, dict) and str(account.get("id_number", "")).upper() == id_number:
            return str(account.get("account_no", ""))
    return ""


def derive(values: dict[str, str], ctx: RowContext, errors: dict[str, str]) -> None:
    if not values.get("id_type") and "id_type" not in errors:
        values["id_type"] = IdType.RESIDENT_ID.value
    _from_id(values, ctx, errors)
    _start_month(values, ctx, errors)
    _amounts(values, ctx, errors)
    _not_in_roster(values, ctx, errors)


SPEC = BusinessSpec(
    code="open-account",
    name="个人开户",
    list_name="待开户清册",
    fields=FIELDS,
    derive=derive,
    unique_key="id_number",
    totals=("base", "monthly_amount"),
    template_title="身份证批量开户模版",
    centre_check=open_account_check,
    account_of=account_of,
)
