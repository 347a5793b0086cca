"""缴存比例调整查询's rows: each state with its day, from the centre's review result."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.models import OutboxItem
from app.services.adjustments.ratio_history import WAITING, RatioChangeHistory
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
