"""Files from elsewhere: other centres' and HR systems' column names, codes, example rows and
two-row merged headers, read through the policy's tables (issue 8 point 23)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import pytest
from openpyxl import Workbook

from app.services.batch_import import import_rows, import_table, validate_file
from app.services.businesses import SPECS
from app.services.context import AppServices
from app.services.engine.pending import PendingLists
from app.services.policy import CentrePolicy, InvalidPolicyError, load_default
from tests.services.test_batch_import import make_pending, rid

SPEC = SPECS["open-account"]
WANG = rid("41020319880415201")
LI = rid("41020419920620302")
EXAMPLE = rid("41020519950101403")


@pytest.fixture
def pending(services: AppServices) -> PendingLists:
    return make_pending(services, roster=False)


def _other_centre_xlsx(path: Path) -> Path:
    """As another centre's web hall lays it out: a title, then a header over two merged rows."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["XX市住房公积金管理中心 个人开户信息表"])
    sheet.merge_cells("A1:G1")
    sheet.append(["序号", "职工姓名", "证件信息", None, "缴存信息", None, "个人联系电话"])
    sheet.append([None, None, "证件种类", "证件号码", "缴存基数（元）", "初次缴存时间", None])
    for merged in ("A2:A3", "B2:B3", "C2:D2", "E2:F2", "G2:G3"):
        sheet.merge_cells(merged)
    sheet.append(["例", "张三", "1", EXAMPLE, 5000, "202612", "13900000000"])
    sheet.append([1, "王芳", "1", WANG, 5200, 202612, "13903781234"])
    sheet.append([2, "李强", "01", LI, "6000", "202612", "13903785678"])
    book.save(path)
    return path


def test_a_two_row_merged_header_with_other_names_and_codes_imports(
    pending: PendingLists, tmp_path: Path
) -> None:
    check = validate_file(_other_centre_xlsx(tmp_path / "外中心开户表.xlsx"), SPEC, pending)

    assert check.missing_required == []
    assert check.header_row == 3
    assert [p.message for p in check.problems] == []
    assert [row.row for row in check.rows] == [5, 6]
    wang = check.rows[0].result.values
    assert wang["name"] == "王芳"
    assert wang["id_type"] == "居民身份证"  # 证件种类 1, from the policy's dictionary
    assert wang["mobile"] == "13903781234"  # 个人联系电话
    assert wang["base"] == "5200.00"  # 缴存基数（元）
    assert wang["start_month"] == "2026-12"  # 初次缴存时间 as yyyyMM, typed as a number
    assert check.rows[1].result.values["id_type"] == "居民身份证"  # "01" is code 1 too
    assert check.notes == ["第 4 行第一格为“例”，视为示例行，已跳过，未导入。"]

    added = import_rows(check, pending, valid_only=False)
    assert [row.values["name"] for row in added] == ["王芳", "李强"]


def test_a_csv_with_other_names_and_a_labelled_example_row(
    pending: PendingLists, tmp_path: Path
) -> None:
    path = tmp_path / "人事系统导出.csv"
    path.write_text(
        "职工姓名,证件种类,证件号码,缴存基数(元),联系电话,初次缴存时间\n"
        f"【示例】,1,{EXAMPLE},5000,13900000000,202612\n"
        f"王芳,1,{WANG},5200,13903781234,202612\n"
        f"示例：李强,1,{LI},6000,13903785678,202612\n",
        encoding="gbk",
    )

    check = validate_file(path, SPEC, pending)

    assert check.clean
    assert [row.values["name"] for row in check.rows] == ["王芳"]
    assert check.notes == [
        "第 2 行第一格为“【示例】”，视为示例行，已跳过，未导入。",
        "第 4 行第一格为“示例：李强”，视为示例行，已跳过，未导入。",
    ]


def test_a_name_that_only_looks_like_an_example_word_is_data(
    pending: PendingLists, tmp_path: Path
) -> None:
    path = tmp_path / "名单.csv"
    path.write_text(
        f"姓名,证件号码,缴存基数,手机号码\n例子华,{WANG},5200,13903781234\n", encoding="utf-8"
    )

    check = validate_file(path, SPEC, pending)

    assert [row.values["name"] for row in check.rows] == ["例子华"]
    assert check.notes == []


def test_synonyms_and_codes_are_policy_data_not_code(tmp_path: Path) -> None:
    policy = load_default()
    without = replace(
        policy, header_synonyms=MappingProxyType({}), coded_values=MappingProxyType({})
    )
    assert import_table(SPEC, without).find_column("个人联系电话") is None
    found = import_table(SPEC, policy).find_column("个人联系电话")
    assert found is not None and found.key == "mobile"
    assert policy.decode("id_type", "1") == "居民身份证"
    assert without.decode("id_type", "1") is None


def test_a_synonym_never_makes_a_header_ambiguous() -> None:
    policy = replace(
        load_default(),
        header_synonyms=MappingProxyType({"mobile": ("证件号码", "电话"), "name": ("电话",)}),
    )
    table = import_table(SPEC, policy)

    assert table.find_column("证件号码") is table.column("id_number")
    found = table.find_column("电话")
    assert found is not None and found.key in ("mobile", "name")


def test_a_server_copy_without_the_import_section_still_loads() -> None:
    data = load_default().to_dict()
    del data["import"]

    policy = CentrePolicy.from_dict(data, source="server")

    assert dict(policy.header_synonyms) == {}
    assert policy.decode("id_type", "1") is None


def test_a_bad_import_section_is_named() -> None:
    data = load_default().to_dict()
    data["import"] = {"header_synonyms": {"mobile": "联系电话"}, "coded_values": {"sex": ["男"]}}

    with pytest.raises(InvalidPolicyError) as caught:
        CentrePolicy.from_dict(data, source="server")

    assert "mobile" in caught.value.message
    assert "sex" in caught.value.message
