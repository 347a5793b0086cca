"""缴存比例调整 through the shared engine: ranges, everyone's 月缴存额, the effective month."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from app.errors import BadInputError
from app.models import RosterPerson, Unit
from app.services.adjustments.service import BaseChangeService
from app.services.attachments import AttachmentService
from app.services.businesses import ratio_change
from app.services.engine.pending import PendingLists, RowInvalidError
from app.services.policy import load_default


@pytest.fixture
def ratios(adjust: BaseChangeService) -> PendingLists:
    return PendingLists(
        adjust.store, ratio_change.SPEC, adjust.unit_id, adjust._policy, adjust._today
    )


def test_a_valid_change_keeps_the_ratios_in_force(ratios: PendingLists) -> None:
    row = ratios.add({"effective_month": "2027年1月", "unit_ratio": "10%", "personal_ratio": "8"})
    assert row.values["effective_month"] == "2027-01"
    assert (row.values["unit_ratio"], row.values["personal_ratio"]) == ("0.1", "0.08")
    assert (row.values["old_unit_ratio"], row.values["old_personal_ratio"]) == ("0.12", "0.12")
    assert ratio_change.is_lower(row.values)
    assert "已复核" in ratio_change.STATES_SENTENCE and "已使用" in ratio_change.STATES_SENTENCE


def test_every_problem_at_once(ratios: PendingLists) -> None:
    with pytest.raises(RowInvalidError) as caught:
        ratios.add({"effective_month": "2026-10", "unit_ratio": "13%", "personal_ratio": "4%"})
    errors = caught.value.errors
    assert "缴至年月 2026-10" in errors["effective_month"]
    assert "13%" in errors["unit_ratio"] and "5%–12%" in errors["unit_ratio"]
    assert "4%" in errors["personal_ratio"]


def test_the_same_ratios_need_no_change(ratios: PendingLists) -> None:
    with pytest.raises(RowInvalidError, match="相同"):
        ratios.add({"effective_month": "2027-01", "unit_ratio": "12%", "personal_ratio": "12%"})


def test_people_whose_amount_would_fall_outside_are_named(
    ratios: PendingLists, adjust: BaseChangeService
) -> None:
    policy = load_default().to_dict()
    policy["contribution"]["monthly_amount_min"] = "250.00"
    with adjust.store.session() as session:
        session.get_one(Unit, adjust.unit_id).policy = policy
    # 5 % + 5 %: 钱七's 2000 gives 100 + 100 = 200, below 250; 赵六 (封存) is not counted.
    with pytest.raises(RowInvalidError) as caught:
        ratios.add({"effective_month": "2027-01", "unit_ratio": "5%", "personal_ratio": "5%"})
    assert caught.value.errors == {
        "": "按新比例有 1 人的月缴存额超出中心规定的 250.00–4536.00 元：=钱七（200.00）"
    }
    row = ratios.add({"effective_month": "2027-01", "unit_ratio": "7%", "personal_ratio": "6%"})
    assert row.values["unit_ratio"] == "0.07"  # 2000 × 13 % = 260


def test_everyone_outside_is_named_up_to_twenty_then_counted(
    ratios: PendingLists, adjust: BaseChangeService
) -> None:
    policy = load_default().to_dict()
    policy["contribution"]["monthly_amount_max"] = "1000.00"
    with adjust.store.session() as session:
        session.get_one(Unit, adjust.unit_id).policy = policy
        for n in range(25):  # 6000 × 20 % = 1200, above 1000
            session.add(
                RosterPerson(
                    unit_id=adjust.unit_id,
                    account_no=f"4200{n:04d}",
                    name=f"职工{n:02d}",
                    id_number=f"41020319900101{n:03d}1",
                    status="正常",
                    base=Decimal(6000),
                    version=100 + n,
                )
            )
    with pytest.raises(RowInvalidError) as caught:
        ratios.add({"effective_month": "2027-01", "unit_ratio": "10%", "personal_ratio": "10%"})
    message = caught.value.errors[""]
    # 李四 (6000) is above too, 张三 (5000 → 1000) just inside: 26, twenty by name, then 等.
    assert message.startswith("按新比例有 26 人的月缴存额超出中心规定的 ")
    assert "张三（1000.00）" not in message  # exactly 1000 is inside
    named = message.split("：", 1)[1]
    assert named.count("（1200.00）") == 20 and named.endswith("等")


def test_a_lower_ratio_needs_the_resolution_a_higher_one_does_not(
    adjust: BaseChangeService, tmp_path: Path
) -> None:
    lists = ratio_change.SPEC.open_list(adjust.store, adjust.unit_id, adjust._policy)
    assert isinstance(lists, ratio_change.RatioChangeLists)
    lists.add({"effective_month": "2027-01", "unit_ratio": "12%", "personal_ratio": "10%"})
    assert lists.missing_materials() == ["职工代表大会或工会决议"]
    with pytest.raises(BadInputError, match="须上传影像资料：职工代表大会或工会决议"):
        lists.submit()
    scan = tmp_path / "决议.png"
    Image.new("RGB", (300, 200), "white").save(scan)
    AttachmentService(adjust.store, adjust.unit_id).add(
        "ratio-change", lists.list_id(), "职工代表大会或工会决议", [scan], adjust._policy()
    )
    assert lists.missing_materials() == []
    assert lists.submit() > 0

    with adjust.store.session() as session:  # the unit pays 8 % + 8 %: raising asks nothing
        session.get_one(Unit, adjust.unit_id).profile = {
            "unit_ratio": "0.08",
            "personal_ratio": "0.08",
            "paid_to": "2026-10",
        }
    lists.add({"effective_month": "2027-02", "unit_ratio": "10%", "personal_ratio": "10%"})
    assert lists.missing_materials() == [] and lists.submit() > 0
