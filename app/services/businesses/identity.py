"""姓名 / 证件类型 / 证件号码 as a business that names a person by identity asks them.

开户 and 内部转移 both take a person who is not (yet) on the unit's roster: the same three
fields, the number checked against the row's own 证件类型 (a passport is not a resident ID).
"""

from __future__ import annotations

from app.services.engine.spec import FieldKind, FieldSpec

NAME = FieldSpec("name", "姓名", FieldKind.NAME, required=True, aliases=("职工姓名", "个人姓名"))


def identity_fields(*, id_type_in_list: bool = True) -> tuple[FieldSpec, FieldSpec, FieldSpec]:
    """姓名, 证件类型 (居民身份证 unless chosen) and 证件号码 checked against that type."""
    return (
        NAME,
        FieldSpec(
            "id_type",
            "证件类型",
            FieldKind.ID_TYPE,
            choices_from=lambda policy: policy.accepted_id_types,
            in_list=id_type_in_list,
            note="默认为居民身份证",
        ),
        FieldSpec(
            "id_number",
            "证件号码",
            FieldKind.ID_NUMBER,
            required=True,
            aliases=("身份证号", "身份证号码", "证件号"),
            checked_with="id_type",
            note="请将该列设为文本格式，避免科学计数法",
        ),
    )
