"""The ratios a base change applies: an approved, not-yet-used ratio change's, else the unit's."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import BadInputError
from app.models import OutboxItem, Unit
from app.services.engine.states import SubmissionState
from app.services.rules.money import format_ratio
from app.services.rules.yearmonth import YearMonth

NO_RATIOS = "尚未取得本单位的缴存比例：请先登录中心服务器同步单位信息"


@dataclass(frozen=True)
class RatiosInForce:
    """What a base change computes with, and where it comes from (told to the clerk)."""

    unit_ratio: Decimal
    personal_ratio: Decimal
    source: str  # Chinese: 本单位现行比例 / 已复核的比例调整…
    effective_month: YearMonth | None = None  # the ratio change's 调整年月, if one applies

    def describe(self) -> str:
        return (
            f"单位缴存比例 {format_ratio(self.unit_ratio)}，个人缴存比例 "
            f"{format_ratio(self.personal_ratio)}（{self.source}）"
        )


def reviewed_ratio_change(session: Session, unit_id: int) -> OutboxItem | None:
    """The latest ratio change the centre approved (已复核) and no base change has used yet."""
    return session.scalar(
        select(OutboxItem)
        .where(
            OutboxItem.unit_id == unit_id,
            OutboxItem.business == "ratio-change",
            OutboxItem.review_state == SubmissionState.REVIEWED.value,
        )
        .order_by(OutboxItem.id.desc())
    )


def ratios_in_force(session: Session, unit_id: int) -> RatiosInForce:
    """BadInputError when neither a reviewed ratio change nor the unit's profile gives them."""
    change = reviewed_ratio_change(session, unit_id)
    if change is not None and change.rows:
        row = change.rows[0]
        month = YearMonth.parse(row["effective_month"]) if row.get("effective_month") else None
        return RatiosInForce(
            Decimal(row["unit_ratio"]),
            Decimal(row["personal_ratio"]),
            f"已复核的缴存比例调整，调整年月 {month}" if month else "已复核的缴存比例调整",
            month,
        )
    profile = session.get_one(Unit, unit_id).profile or {}
    if not profile.get("unit_ratio") or not profile.get("personal_ratio"):
        raise BadInputError(NO_RATIOS)
    return RatiosInForce(
        Decimal(profile["unit_ratio"]), Decimal(profile["personal_ratio"]), "本单位现行比例"
    )
