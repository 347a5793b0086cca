"""缴存比例调整 (seed §7): the unit's new ratios from an effective month, checked for everyone.

Approved, the change reads 已复核; the ratios come into force only when a later 缴存基数调整 is
approved (then 已使用) — until then the unit's ratios in force do not change. A ratio below the
one in force needs the resolution the policy's materials name (职工代表大会或工会的决议):
its 清册 (`RatioChangeLists`) refuses 全部提交 until that material is attached.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from app.services.engine.extra_material import ExtraMaterialLists, lists_of
from app.services.engine.spec import BusinessSpec, FieldKind, FieldSpec, RowContext
from app.services.policy import CentrePolicy
from app.services.rules.contribution import compute_contribution
from app.services.rules.money import format_ratio
from app.services.rules.yearmonth import YearMonth
from app.services.store import Store

K = FieldKind
CODE = "ratio-change"
PAYING = "正常"
# Named in full up to this many; beyond, the count and the first ones.
NAMED_PEOPLE = 20
STATES_SENTENCE = (
    "审核通过后为“已复核”；新比例在其后的缴存基数调整审核通过时才生效，此时变为“已使用”。"
)

FIELDS = (
    FieldSpec(
        "effective_month",
        "调整年月",
        K.MONTH,
        required=True,
        aliases=("调整时间", "生效年月"),
        note="新比例从该月起执行",
    ),
    FieldSpec("unit_ratio", "单位缴存比例", K.RATIO, required=True, aliases=("新单位缴存比例",)),
    FieldSpec(
        "personal_ratio", "个人缴存比例", K.RATIO, required=True, aliases=("新个人缴存比例",)
    ),
    FieldSpec("old_unit_ratio", "原单位缴存比例", K.RATIO, derived=True),
    FieldSpec("old_personal_ratio", "原个人缴存比例", K.RATIO, derived=True),
)


def is_lower(values: dict[str, str]) -> bool:
    """Whether either new ratio is below the one in force (the policy asks for a resolution)."""
    pairs = (("unit_ratio", "old_unit_ratio"), ("personal_ratio", "old_personal_ratio"))
    return any(
        values.get(new) and values.get(old) and Decimal(values[new]) < Decimal(values[old])
        for new, old in pairs
    )


def _month(values: dict[str, str], ctx: RowContext, errors: dict[str, str]) -> None:
    if "effective_month" in errors or not values.get("effective_month") or not ctx.unit.paid_to:
        return
    month, paid_to = YearMonth.parse(values["effective_month"]), YearMonth.parse(ctx.unit.paid_to)
    if month <= paid_to:
        errors["effective_month"] = (
            f"调整年月 {month} 不能早于或等于本单位的缴至年月 {paid_to}：已缴的月份不能再调整比例"
        )


def _people_outside(unit: Decimal, personal: Decimal, ctx: RowContext) -> str | None:
    """The employees whose 月缴存额 at the new ratios would fall outside the policy's limits."""
    outside: list[str] = []
    for person in ctx.roster.entries:
        if person.status != PAYING or person.base is None:
            continue
        result = compute_contribution(Decimal(person.base), unit, personal, ctx.policy)
        if "total" in result.problems_by_part:
            outside.append(f"{person.name}（{result.total:.2f}）")
    if not outside:
        return None
    named = "、".join(outside[:NAMED_PEOPLE]) + ("等" if len(outside) > NAMED_PEOPLE else "")
    policy = ctx.policy
    return (
        f"按新比例有 {len(outside)} 人的月缴存额超出中心规定的 "
        f"{policy.monthly_amount_min:.2f}–{policy.monthly_amount_max:.2f} 元：{named}"
    )


def derive(values: dict[str, str], ctx: RowContext, errors: dict[str, str]) -> None:
    terms = ctx.unit
    for key, old in (
        ("old_unit_ratio", terms.unit_ratio),
        ("old_personal_ratio", terms.personal_ratio),
    ):
        values[key] = "" if old is None else str(old)
    _month(values, ctx, errors)
    for key, allowed, label in (
        ("unit_ratio", ctx.policy.unit_ratio, "单位缴存比例"),
        ("personal_ratio", ctx.policy.personal_ratio, "个人缴存比例"),
    ):
        if key not in errors and values.get(key) and not allowed.contains(Decimal(values[key])):
            errors[key] = (
                f"{label} {format_ratio(Decimal(values[key]))} 不在中心规定的 "
                f"{allowed.describe()} 之内"
            )
    if any(k in errors or not values.get(k) for k in ("unit_ratio", "personal_ratio")):
        return
    unit, personal = Decimal(values["unit_ratio"]), Decimal(values["personal_ratio"])
    if (terms.unit_ratio, terms.personal_ratio) == (unit, personal):
        errors["unit_ratio"] = "新比例与本单位现行比例相同，无需调整"
        return
    problem = _people_outside(unit, personal, ctx)
    if problem:
        errors[""] = problem


def resolution_material(policy: CentrePolicy) -> str | None:
    """The material a lower ratio needs: the policy's one named a 决议, else its first optional."""
    materials = policy.materials_for(CODE)
    for material in materials:
        if "决议" in material.name:
            return material.name
    optional = [m.name for m in materials if not m.required]
    return optional[0] if optional else None


def lowering_sentence(policy: CentrePolicy) -> str:
    """What the page says about a lower ratio ("" when the policy names no material for it)."""
    material = resolution_material(policy)
    return f"降低缴存比例的，提交时须上传“{material}”。" if material else ""


class RatioChangeLists(ExtraMaterialLists):
    """The 待提交的比例调整: a lower ratio is not submitted without the resolution."""

    def __init__(
        self,
        store: Store,
        unit_id: int,
        policy: Callable[[], CentrePolicy],
        today: Callable[[], date] = date.today,
        **options: Any,  # BusinessList's keyword arguments (centre_check, centre_fill)
    ) -> None:
        super().__init__(store, SPEC, unit_id, policy, today, **options)

    def extra_material(self) -> str | None:
        """The resolution, while a row lowers a ratio (and the policy names one)."""
        material = resolution_material(self._policy())
        if material is None or not any(is_lower(r.values) for r in self.rows() if not r.deleted):
            return None
        return material

    def extra_refusal(self, material: str) -> str:
        return f"新比例低于本单位现行比例，须上传影像资料：{material}"


SPEC = BusinessSpec(
    code=CODE,
    name="缴存比例调整",
    list_name="待提交的比例调整",
    fields=FIELDS,
    derive=derive,
    unique_key="effective_month",
    lists=lists_of(RatioChangeLists),
)
