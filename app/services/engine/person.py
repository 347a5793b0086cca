"""Person-bound rows: 姓名 / 个人账号 / 证件号码 resolved through the cached roster.

A spec that is about one employee lists `person_fields()`; any one of the three identifies the
person (the form's lookup, an imported row, `gjj-desk add seal 证件号码=…`). The check fills in
the other two from the roster, refuses a person whose account state the business does not
accept (its `Precondition`), and one pending or queued in a business that contradicts it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.services.engine.fields import is_blank
from app.services.engine.spec import BusinessSpec, FieldKind, FieldSpec, RowContext
from app.services.roster_entry import RosterEntry
from app.services.roster_text import account_text, name_text
from app.services.rules.idnumber import normalize_id_text

K = FieldKind
# The person's fields, most specific first (the order they are resolved in).
PERSON_KEYS = ("account_no", "id_number", "name")
ACCOUNT = "account_no"  # where a message about the person as a whole is shown
LABELS = {"name": "姓名", "account_no": "个人账号", "id_number": "证件号码"}
PLEASE_IDENTIFY = "请填写姓名、个人账号或证件号码（任填一项即可）"


def person_fields() -> tuple[FieldSpec, ...]:
    """The three fields that identify an employee; a business puts them first in its spec."""
    return (
        FieldSpec("name", "姓名", K.PERSON, aliases=("职工姓名", "个人姓名"), max_length=40),
        FieldSpec(
            "account_no", "个人账号", K.PERSON, aliases=("账号", "个人公积金账号"), max_length=40
        ),
        FieldSpec(
            "id_number",
            "证件号码",
            K.PERSON,
            aliases=("身份证号", "身份证号码", "证件号"),
            note="请将该列设为文本格式，避免科学计数法",
            max_length=40,
        ),
    )


def _typed(spec: BusinessSpec, raw: Mapping[str, Any]) -> dict[str, str]:
    keys = {f.key for f in spec.fields if f.kind is K.PERSON}
    cleaners = {"name": name_text, "account_no": account_text, "id_number": normalize_id_text}
    return {
        key: cleaners[key](_cell_text(raw.get(key)))
        for key in PERSON_KEYS
        if key in keys and not is_blank(raw.get(key))
    }


def _cell_text(value: Any) -> str:
    """A spreadsheet's number as the digits typed (1000010001.0 is account 1000010001)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _find(typed: dict[str, str], ctx: RowContext) -> tuple[RosterEntry | None, dict[str, str]]:
    """The person the most specific typed value names, or the error beside that value."""
    roster = ctx.roster
    if "account_no" in typed:
        found = roster.find_account(typed["account_no"])
        missing = f"本单位职工名册中没有个人账号 {typed['account_no']}"
        return found, ({} if found else {"account_no": missing})
    if "id_number" in typed:
        found = roster.find_id(typed["id_number"])
        missing = f"本单位职工名册中没有证件号码为 {typed['id_number']} 的职工"
        return found, ({} if found else {"id_number": missing})
    named = roster.find_name(typed["name"])
    if len(named) == 1:
        return named[0], {}
    if not named:
        return None, {"name": f"本单位职工名册中没有名为“{typed['name']}”的职工"}
    return None, {
        "name": f"本单位有 {len(named)} 名职工名为“{typed['name']}”，请填写个人账号或证件号码"
    }


def check_person(
    spec: BusinessSpec,
    raw: Mapping[str, Any],
    ctx: RowContext,
    values: dict[str, str],
    errors: dict[str, str],
) -> RosterEntry | None:
    """Resolve the row's person into `values` (all three keys); problems go to `errors`."""
    typed = _typed(spec, raw)
    values.update({key: typed.get(key, "") for key in PERSON_KEYS if spec_has(spec, key)})
    if not typed:
        errors[_first_key(spec)] = PLEASE_IDENTIFY
        return None
    person, problems = _find(typed, ctx)
    if person is None:
        errors.update(problems)
        return None
    for key, text in typed.items():
        held = _value(person, key)
        same = text.upper() == held.upper() if key == "id_number" else text == held
        if not same:
            errors[key] = f"{LABELS[key]}“{text}”与名册不符：{person.name}的{LABELS[key]}为 {held}"
    if errors:
        return None
    values.update({key: _value(person, key) for key in PERSON_KEYS})
    refusal = spec.precondition.refusal(person) if spec.precondition else None
    holder = ctx.conflicts.get(person.account_no)
    if refusal:
        errors[ACCOUNT] = refusal
    elif holder:
        errors[ACCOUNT] = (
            f"{person.name}（个人账号 {person.account_no}）已在{holder}中，"
            f"不能同时办理{spec.name}；请先删除那条记录或等待审核结果"
        )
    return person


def spec_has(spec: BusinessSpec, key: str) -> bool:
    return any(f.key == key and f.kind is K.PERSON for f in spec.fields)


def _first_key(spec: BusinessSpec) -> str:
    return next(f.key for f in spec.fields if f.kind is K.PERSON)


def _value(person: RosterEntry, key: str) -> str:
    return str(getattr(person, key))
