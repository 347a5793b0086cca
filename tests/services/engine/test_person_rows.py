"""Person-bound rows (issue 9 points 1–4): any one identifier, the state, conflicts, list values."""

from __future__ import annotations

from datetime import date

from app.services.businesses import SPECS
from app.services.engine.rows import check_row
from app.services.engine.spec import Roster, RowContext, UnitTerms
from app.services.policy import load_default
from tests.people import PEOPLE, QIAN, SUN_A, ZHAO

TODAY = date(2026, 11, 28)
SEAL, UNSEAL = SPECS["seal"], SPECS["unseal"]


def context(**kwargs: object) -> RowContext:
    ctx = RowContext(load_default(), UnitTerms(), Roster(list(PEOPLE)), TODAY)
    for key, value in kwargs.items():
        setattr(ctx, key, value)
    return ctx


def test_any_one_identifier_fills_in_the_other_two() -> None:
    for typed in (
        {"name": "赵一"},
        {"account_no": ZHAO.account_no},
        {"id_number": ZHAO.id_number.lower()},
    ):
        result = check_row(SEAL, {**typed, "reason": "离职"}, context())
        assert result.ok, result.errors
        assert (result.values["name"], result.values["account_no"], result.values["id_number"]) == (
            ZHAO.name,
            ZHAO.account_no,
            ZHAO.id_number,
        )
        assert result.values["month"] == "2026-11"  # this month by default


def test_an_account_number_read_from_a_spreadsheet_as_a_number_still_finds_the_person() -> None:
    result = check_row(SEAL, {"account_no": float(ZHAO.account_no), "reason": "离职"}, context())
    assert result.values["name"] == "赵一"


def test_nobody_typed_unknown_shared_names_and_mismatches_are_said_beside_the_field() -> None:
    assert "任填一项" in check_row(SEAL, {"reason": "离职"}, context()).errors["name"]
    assert "没有名为“周五”" in check_row(SEAL, {"name": "周五"}, context()).errors["name"]
    shared = check_row(SEAL, {"name": "孙三", "reason": "离职"}, context()).errors["name"]
    assert shared == "本单位有 2 名职工名为“孙三”，请填写个人账号或证件号码"
    wrong = check_row(SEAL, {"name": "钱二", "id_number": ZHAO.id_number}, context()).errors
    assert wrong["name"] == "姓名“钱二”与名册不符：赵一的姓名为 赵一"
    unknown = check_row(SEAL, {"account_no": "999"}, context()).errors
    assert unknown["account_no"] == "本单位职工名册中没有个人账号 999"


def test_sealing_a_sealed_account_and_unsealing_a_normal_one_are_refused_with_their_messages() -> (
    None
):
    sealed = check_row(SEAL, {"name": "钱二", "reason": "离职"}, context()).errors
    assert sealed == {"account_no": "钱二的账户状态为“封存”，只有状态为“正常”的账户才能封存"}
    normal = check_row(UNSEAL, {"name": "赵一", "reason": "重新就业"}, context()).errors
    assert normal == {"account_no": "赵一的账户状态为“正常”，只有状态为“封存”的账户才能启封"}


def test_a_person_held_by_a_contradicting_list_is_refused_naming_that_list() -> None:
    ctx = context(conflicts={QIAN.account_no: "待封存清册"})
    errors = check_row(UNSEAL, {"name": "钱二", "reason": "重新就业"}, ctx).errors
    assert errors["account_no"].startswith("钱二（个人账号 1000010002）已在待封存清册中")


def test_a_reason_from_the_policy_and_the_lists_value_standing_for_a_blank_cell() -> None:
    bad = check_row(SEAL, {"name": "赵一", "reason": "出国"}, context()).errors
    assert bad["reason"].startswith("“出国”不是可选的封存原因")
    assert check_row(SEAL, {"name": "赵一"}, context()).errors == {"reason": "请填写封存原因"}
    listed = context(list_values={"reason": "调动暂不转移", "month": "2026-10"})
    result = check_row(SEAL, {"name": "赵一"}, listed)
    assert result.ok and result.values["reason"] == "调动暂不转移"
    assert result.values["month"] == "2026-10"


def test_the_month_stays_inside_the_policys_window() -> None:
    too_early = check_row(SEAL, {"name": "赵一", "reason": "离职", "month": "2026-09"}, context())
    assert too_early.errors["month"] == (
        "封存年月应在 2026-10 至 2026-11 之间（中心规定），“2026-09”不在其中"
    )
    later = check_row(SEAL, {"name": "赵一", "reason": "离职", "month": "2026-12"}, context())
    assert "month" in later.errors


def test_unsealing_keeps_the_old_base_by_default_and_computes_the_monthly_amount() -> None:
    result = check_row(UNSEAL, {"name": "钱二", "reason": "重新就业"}, context())
    assert result.ok, result.errors
    assert (result.values["base"], result.values["monthly_amount"]) == ("5000.00", "1100.00")
    new = check_row(UNSEAL, {"name": "钱二", "reason": "重新就业", "base": "7000"}, context())
    assert new.values["monthly_amount"] == "1540.00"
    low = check_row(UNSEAL, {"name": "钱二", "reason": "重新就业", "base": "1000"}, context())
    assert low.errors["base"].startswith("缴存基数 1,000.00 低于")


def test_a_policy_that_does_not_ask_the_base_leaves_it_out() -> None:
    import dataclasses

    policy = dataclasses.replace(load_default(), unseal_asks_base=False)
    ctx = context(policy=policy)
    result = check_row(UNSEAL, {"name": "钱二", "reason": "重新就业", "base": "1000"}, ctx)
    assert result.ok and result.values["base"] == "" and result.values["monthly_amount"] == ""


def test_two_rows_for_one_person_are_duplicates_whatever_identified_them() -> None:
    ctx = context(pending_keys={SUN_A.account_no: 7})
    errors = check_row(SEAL, {"id_number": SUN_A.id_number, "reason": "离职"}, ctx).errors
    assert errors == {"account_no": f"个人账号 {SUN_A.account_no} 已在待封存清册中"}
    assert check_row(SEAL, {"id_number": SUN_A.id_number, "reason": "离职"}, ctx, row_id=7).ok
