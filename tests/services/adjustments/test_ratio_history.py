"""缴存比例调整查询's rows: each state with its day, from the centre's review result."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.models import OutboxItem, Unit
from app.services.adjustments.ratio_history import (
    FROM_CHANGE,
    FROM_PROFILE,
    UNKNOWN_TIP,
    WAITING,
    RatioChangeHistory,
)
from app.services.adjustments.service import BaseChangeService

ROW = {
    "effective_month": "2027-01",
    "unit_ratio": "0.1",
    "personal_ratio": "0.08",
    "old_unit_ratio": "0.12",
    "old_personal_ratio": "0.12",
}


def _item(
    adjust: BaseChangeService, key: str, review: str | None, result: dict[str, Any] | None
) -> None:
    with adjust.store.session() as session:
        session.add(
            OutboxItem(
                unit_id=adjust.unit_id,
                business="ratio-change",
                idempotency_key=key,
                rows=[ROW],
                state="sent" if review else "queued",
                server_id=key if review else None,
                review_state=review,
                review_result=result,
                created_at=datetime(2026, 11, 20, 1, 0),
                sent_at=datetime(2026, 11, 20, 1, 0) if review else None,
            )
        )


def test_each_state_reads_with_its_day(adjust: BaseChangeService) -> None:
    _item(adjust, "a", None, None)
    _item(adjust, "b", "待审核", None)
    _item(adjust, "c", "已复核", {"reviewed_on": "2026-11-25"})
    used = {"reviewed_on": "2026-11-25", "used_on": "2026-11-27", "used_by": 42}
    _item(adjust, "d", "已使用", used)

    changes = RatioChangeHistory(adjust.store, adjust.unit_id).changes()

    shown = [(c.dated_state, c.note) for c in changes]  # newest first
    assert shown[0] == (
        "已使用（2026-11-27）",
        "2026-11-25 复核通过，2026-11-27 随缴存基数调整（中心编号 42）审核通过生效",
    )
    assert shown[1] == ("已复核（2026-11-25）", WAITING)
    assert shown[2][0].startswith("待审核（2026-11-2")  # the day it reached the centre, local
    assert shown[3] == ("待上传", "")
    first = changes[0]
    assert (first.effective_month, first.unit_ratio, first.personal_ratio) == (
        "2027-01",
        "10%",
        "8%",
    )
    assert first.old_ratios == "12% / 12%"
    assert first.as_dict()["status_on"] == "2026-11-27"


def test_a_centre_without_days_still_says_the_state(adjust: BaseChangeService) -> None:
    _item(adjust, "c", "已复核", {"note": "新比例在其后的缴存基数调整审核通过时生效"})
    (change,) = RatioChangeHistory(adjust.store, adjust.unit_id).changes()
    assert (change.dated_state, change.state_on, change.note) == ("已复核", "", WAITING)


def test_the_state_filter_keeps_the_days(adjust: BaseChangeService) -> None:
    _item(adjust, "c", "已复核", {"reviewed_on": "2026-11-25"})
    _item(adjust, "b", "待审核", None)
    rows = RatioChangeHistory(adjust.store, adjust.unit_id).rows(state="已复核")
    assert [getattr(r, "dated_state", None) for r in rows] == ["已复核（2026-11-25）"]


NEW_ONLY = {"effective_month": "2027-01", "unit_ratio": "0.1", "personal_ratio": "0.08"}


def _change(
    adjust: BaseChangeService,
    key: str,
    row: dict[str, str],
    created: datetime,
    used_on: str | None = None,
) -> None:
    """A ratio change sent on `created` (UTC noon: the same day here), used on `used_on`."""
    with adjust.store.session() as session:
        session.add(
            OutboxItem(
                unit_id=adjust.unit_id,
                business="ratio-change",
                idempotency_key=key,
                rows=[row],
                state="sent",
                server_id=key,
                review_state="已使用" if used_on else "待审核",
                review_result={"used_on": used_on} if used_on else None,
                created_at=created,
                sent_at=created,
            )
        )


def _profile(adjust: BaseChangeService, profile: dict[str, str]) -> None:
    with adjust.store.session() as session:
        session.get_one(Unit, adjust.unit_id).profile = profile


def test_old_ratios_unknown_at_submission_read_as_a_dash(adjust: BaseChangeService) -> None:
    """The walkthrough saw " / " under 原比例 for a change submitted before the first sync."""
    _profile(adjust, {"paid_to": "2026-10"})  # this PC never had the unit's ratios
    _change(adjust, "a", NEW_ONLY, datetime(2026, 11, 20, 4, 0))
    (change,) = RatioChangeHistory(adjust.store, adjust.unit_id).changes()
    assert (change.old_ratios, change.old_ratios_tip) == ("—", UNKNOWN_TIP)
    half = {**NEW_ONLY, "old_unit_ratio": "0.12"}
    _change(adjust, "b", {**half, "effective_month": "2027-02"}, datetime(2026, 11, 21, 4, 0))
    newest = RatioChangeHistory(adjust.store, adjust.unit_id).changes()[0]
    assert (newest.old_ratios, newest.old_ratios_tip) == ("12% / —", UNKNOWN_TIP)


def test_recorded_old_ratios_need_no_tip(adjust: BaseChangeService) -> None:
    _item(adjust, "a", "待审核", None)
    (change,) = RatioChangeHistory(adjust.store, adjust.unit_id).changes()
    assert (change.old_ratios, change.old_ratios_tip) == ("12% / 12%", "")


def test_unknown_old_ratios_are_the_profile_s_when_nothing_came_into_force_since(
    adjust: BaseChangeService,
) -> None:
    _change(
        adjust,
        "old",
        {**NEW_ONLY, "effective_month": "2026-12"},
        datetime(2026, 11, 1, 4),
        "2026-11-10",
    )
    _change(adjust, "a", NEW_ONLY, datetime(2026, 11, 20, 4, 0))  # the profile: 12% / 12%
    change = RatioChangeHistory(adjust.store, adjust.unit_id).changes()[0]
    assert (change.old_ratios, change.old_ratios_tip) == ("12% / 12%", FROM_PROFILE)


def test_unknown_old_ratios_are_the_last_used_change_s_when_one_came_into_force_since(
    adjust: BaseChangeService,
) -> None:
    earlier = {"effective_month": "2026-12", "unit_ratio": "0.11", "personal_ratio": "0.09"}
    _change(adjust, "old", earlier, datetime(2026, 11, 1, 4), "2026-11-10")
    # This change itself came into force on 11-27: the profile now holds its own ratios.
    _change(adjust, "a", NEW_ONLY, datetime(2026, 11, 20, 4, 0), "2026-11-27")
    _profile(adjust, {"unit_ratio": "0.1", "personal_ratio": "0.08", "paid_to": "2026-12"})
    change = RatioChangeHistory(adjust.store, adjust.unit_id).changes()[0]
    assert change.old_ratios == "11% / 9%"
    assert change.old_ratios_tip == FROM_CHANGE.format(month="2026-12")


def test_a_change_used_the_day_of_submission_leaves_the_old_ratios_unknown(
    adjust: BaseChangeService,
) -> None:
    earlier = {"effective_month": "2026-12", "unit_ratio": "0.11", "personal_ratio": "0.09"}
    _change(adjust, "old", earlier, datetime(2026, 11, 1, 4), "2026-11-20")
    _change(adjust, "a", NEW_ONLY, datetime(2026, 11, 20, 4, 0))  # before or after? unknown
    change = RatioChangeHistory(adjust.store, adjust.unit_id).changes()[0]
    assert (change.old_ratios, change.old_ratios_tip) == ("—", UNKNOWN_TIP)
