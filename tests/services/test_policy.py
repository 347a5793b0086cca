"""The centre policy: the bundled Kaifeng defaults, JSON round trip, validation of a server copy."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.services.policy import (
    BUSINESS_CODES,
    DEFAULT_POLICY_PATH,
    CentrePolicy,
    InvalidPolicyError,
    Material,
    load_default,
    load_policy_file,
)
from app.services.rules.rounding import RoundingMethod

REPO_ROOT = Path(__file__).resolve().parents[2]


def default_dict() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))
    return data


def test_default_file_is_the_one_at_the_repo_root() -> None:
    assert REPO_ROOT / "resources" / "policy" / "kaifeng.json" == DEFAULT_POLICY_PATH
    assert DEFAULT_POLICY_PATH.is_file()


def test_kaifeng_defaults() -> None:
    policy = load_default()
    assert policy.source == "default"
    assert policy.is_default
    assert policy.centre_name == "开封市住房公积金管理中心"
    assert policy.unit_ratio.min == Decimal("0.05")
    assert policy.unit_ratio.max == Decimal("0.12")
    assert policy.personal_ratio.describe() == "5%–12%"
    assert policy.base_floor == Decimal("1900.00")
    assert policy.base_ceiling > policy.base_floor * 3
    assert policy.rounding is RoundingMethod.HALF_UP_YUAN
    assert "离职" in policy.seal_reasons
    assert policy.unseal_reasons == ("重新就业", "错误封存")
    assert {"漏缴", "少缴", "新增人员未及时缴存"} <= set(policy.backpay_reasons)
    assert policy.backpay_max_months_back >= 12
    assert "居民身份证" in policy.accepted_id_types
    assert policy.attachments.accepts("scan.PDF")
    assert not policy.attachments.accepts("notes.docx")


def test_default_monthly_limits_match_floor_and_ceiling() -> None:
    policy = load_default()
    assert policy.monthly_amount_min == policy.base_floor * policy.unit_ratio.min * 2
    assert policy.monthly_amount_max == policy.base_ceiling * policy.unit_ratio.max * 2


def test_every_business_has_a_materials_list() -> None:
    policy = load_default()
    for code in BUSINESS_CODES:
        assert isinstance(policy.materials_for(code), tuple)
    assert Material("身份证复印件", True) in policy.materials_for("open-account")
    assert Material("劳动合同", False) in policy.materials_for("open-account")
    assert [m.name for m in policy.required_materials("base-change")] == ["工资表"]
    assert policy.required_materials("remittance") == ()
    assert "离职证明" in policy.required_materials("seal")[0].name
    with pytest.raises(KeyError):
        policy.materials_for("no-such-business")


def test_every_section_of_the_json_is_marked_default() -> None:
    data = default_dict()
    assert data["source"] == "default"
    for key in ("contribution", "reasons", "back_payment", "materials", "id_types", "attachments"):
        assert "默认" in data[key]["_note"], key


def test_round_trip_through_dict_and_json() -> None:
    policy = load_default()
    assert CentrePolicy.from_dict(policy.to_dict()) == policy
    assert CentrePolicy.from_json(policy.to_json()) == policy
    assert CentrePolicy.from_json(policy.to_json().encode("utf-8")) == policy


def test_server_copy_replaces_the_defaults() -> None:
    data = default_dict()
    data["source"] = "server"
    data["version"] = "2026-07"
    data["contribution"]["rounding"] = "见角进元"
    data["contribution"]["base_floor"] = 2100
    policy = CentrePolicy.from_dict(data)
    assert policy.source == "server"
    assert not policy.is_default
    assert policy.rounding is RoundingMethod.CARRY_JIAO_TO_YUAN
    assert policy.base_floor == Decimal(2100)


def test_source_argument_overrides_the_document() -> None:
    assert CentrePolicy.from_dict(default_dict(), source="server").source == "server"


def test_float_ratios_in_a_server_copy_do_not_pick_up_binary_noise() -> None:
    data = default_dict()
    data["contribution"]["unit_ratio"] = {"min": 0.05, "max": 0.12}
    policy = CentrePolicy.from_dict(data)
    assert policy.unit_ratio.max == Decimal("0.12")


def broken(mutate: Any) -> str:
    data = copy.deepcopy(default_dict())
    mutate(data)
    with pytest.raises(InvalidPolicyError) as info:
        CentrePolicy.from_dict(data)
    assert info.value.message.startswith("中心政策数据有误")
    return info.value.message


def test_rejects_ratio_written_as_percent() -> None:
    message = broken(lambda d: d["contribution"].update(unit_ratio={"min": "5", "max": "12"}))
    assert "单位缴存比例" in message and "0.12" in message


def test_rejects_inverted_ranges() -> None:
    message = broken(lambda d: d["contribution"].update(base_floor="30000"))
    assert "缴存基数下限" in message and "高于上限" in message
    message = broken(
        lambda d: d["contribution"].update(personal_ratio={"min": "0.2", "max": "0.1"})
    )
    assert "个人缴存比例" in message and "大于上限" in message


def test_rejects_unknown_rounding() -> None:
    message = broken(lambda d: d["contribution"].update(rounding="banker"))
    assert "舍入方式" in message and "banker" in message


def test_rejects_missing_business_and_unknown_business() -> None:
    assert "个人账户启封" in broken(lambda d: d["materials"].pop("unseal"))
    assert "delete-unit" in broken(lambda d: d["materials"].update({"delete-unit": []}))


def test_rejects_bad_material_item() -> None:
    message = broken(lambda d: d["materials"]["seal"].append({"name": "证明"}))
    assert "个人账户封存" in message and "required" in message


def test_rejects_garbage_money_and_unknown_id_type() -> None:
    message = broken(lambda d: d["contribution"].update(base_ceiling="很多"))
    assert "缴存基数上限" in message and "很多" in message
    message = broken(lambda d: d["id_types"]["accepted"].append("驾驶证"))
    assert "驾驶证" in message


def test_reports_every_problem_at_once() -> None:
    def mutate(d: dict[str, Any]) -> None:
        d["contribution"]["rounding"] = "?"
        d["reasons"]["seal"] = ["离职", "离职"]
        d["attachments"]["colour_mode"] = "sepia"

    message = broken(mutate)
    assert "舍入方式" in message and "重复" in message and "sepia" in message


def test_rejects_unknown_source_and_format() -> None:
    assert "source" in broken(lambda d: d.update(source="cache"))
    assert "升级客户端" in broken(lambda d: d.update(format=2))


def test_bad_json_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidPolicyError, match="JSON"):
        CentrePolicy.from_json("{not json")
    with pytest.raises(InvalidPolicyError, match="顶层"):
        CentrePolicy.from_json("[]")
    with pytest.raises(InvalidPolicyError, match="无法读取"):
        load_policy_file(tmp_path / "missing.json")


def test_cached_server_copy_from_file(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text(load_default().to_json(), encoding="utf-8")
    assert load_policy_file(path, source="server").source == "server"
