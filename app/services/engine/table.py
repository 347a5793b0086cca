"""A business's import template as a spreadsheet table: one column per input field.

Any `BusinessSpec` maps to a `TableSpec`: derived fields are left out (the rules compute them),
and so are centre-filled ones (only the centre's answer gives them),
required fields get red headers, coded fields (证件类型 and other choices) dropdowns from the
policy, and a field's aliases and note travel with it. Every identifier-like column is text,
so the template stops Excel from turning an ID into 1.10101E+17.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.services.engine.spec import BusinessSpec, FieldKind, FieldSpec
from app.services.policy import CentrePolicy
from app.services.spreadsheet import ColumnKind, ColumnSpec, TableSpec

# Widths (in Excel characters) that fit what clerks type in each kind of column.
_WIDTHS: dict[FieldKind, float] = {
    FieldKind.ID_NUMBER: 22,
    FieldKind.MOBILE: 15,
    FieldKind.ID_TYPE: 18,
    FieldKind.DATE: 12,
    FieldKind.MONTH: 11,
    FieldKind.ACCOUNT_NO: 20,
    FieldKind.NAME: 10,
}

# A month stays text: a typed 2026.10 in a number or date cell is indistinguishable from 2026.1.
_KINDS: dict[FieldKind, ColumnKind] = {
    FieldKind.MONEY: ColumnKind.MONEY,
    FieldKind.RATIO: ColumnKind.RATIO,
    FieldKind.DATE: ColumnKind.DATE,
    FieldKind.CHOICE: ColumnKind.CHOICE,
    FieldKind.ID_TYPE: ColumnKind.CHOICE,
}
_KINDS_WITH_CHOICES = frozenset({FieldKind.CHOICE, FieldKind.ID_TYPE})
# A person's columns by key (the kind is PERSON for all three).
_PERSON_WIDTHS = {"name": 10.0, "account_no": 20.0, "id_number": 22.0}


def _width(field: FieldSpec) -> float:
    if field.kind is FieldKind.PERSON:
        return _PERSON_WIDTHS.get(field.key, 14)
    return _WIDTHS.get(field.kind, 14)


def column_kind(field: FieldSpec) -> ColumnKind:
    """How the spreadsheet layer reads a field's cells (text unless it is a number or date)."""
    return _KINDS.get(field.kind, ColumnKind.TEXT)


def _note(field: FieldSpec) -> str:
    parts = [field.note] if field.note else []
    if field.kind is FieldKind.RATIO:
        parts.append("填小数或百分数，如 0.12 或 12%")
    elif field.kind is FieldKind.MONTH:
        parts.append("如 2026-11")
    elif field.kind is FieldKind.DATE:
        parts.append("如 2026-11-05")
    if field.auto:
        parts.append("可不填，系统自动生成")
    return "；".join(parts)


def table_spec(
    spec: BusinessSpec, policy: CentrePolicy, example: Mapping[str, str] | None = None
) -> TableSpec:
    """The import table of `spec` under `policy`; `example` fills the template's example row."""
    example = example or {}
    columns = tuple(
        ColumnSpec(
            key=field.key,
            header=field.label,
            aliases=field.aliases,
            required=field.required,
            kind=column_kind(field),
            choices=field.options(policy) if field.kind in _KINDS_WITH_CHOICES else (),
            width=_width(field),
            note=_note(field),
            example=example.get(field.key, ""),
        )
        for field in spec.input_fields
        # What only the centre's answer fills (内部转移's 转出单位) is no column: an old
        # template's cells for it are an unknown column, ignored and named as such.
        if not field.centre_filled
    )
    derived = "、".join(f.label for f in spec.fields if f.derived)
    instructions = [
        "第一行是表头，请勿修改表头文字；列的顺序可以调整，多余的列导入时忽略。",
        "红色表头为必填项，其余可不填。",
        "证件号码等号码列已设为文本格式；请勿改为数字格式，否则 Excel 会把号码变成科学计数法。",
        "灰色斜体的示例行导入时自动忽略，可以直接删除。",
        "带下拉箭头的列请从下拉列表中选择。",
    ]
    if derived:
        instructions.append(f"{derived}由系统按填写的内容自动计算，无需填写。")
    person = "、".join(f.label for f in spec.fields if f.kind is FieldKind.PERSON)
    if person:
        instructions.append(f"{person}任填一项即可识别职工，其余按本单位职工名册自动补全。")
    if spec.list_level:
        shared = "、".join(f.label for f in spec.list_level)
        instructions.append(
            f"{shared}可在清册上方统一填写（命令行：--list {spec.list_level[0].label}=…），"
            "本表中留空的行采用统一填写的值。"
        )
    return TableSpec(
        name=f"{spec.name}批量导入",
        columns=columns,
        sheet_title=spec.list_name,
        instructions=tuple(instructions),
    )
