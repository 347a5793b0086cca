"""个人开户（批量）: real files of every format, checked row by row, imported all-or-valid-only."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from app.errors import BadInputError, Cancelled
from app.models import AuditEntry, RosterPerson, Unit
from app.services import batch_import
from app.services.batch_import import import_rows, standalone_context, validate_file, write_report
from app.services.businesses import SPECS, open_account
from app.services.context import AppServices
from app.services.engine.pending import PendingLists
from app.services.engine.spec import BusinessSpec, FieldKind, FieldSpec
from app.services.engine.table import table_spec
from app.services.policy import load_default
from app.services.spreadsheet import ColumnKind, read_table, write_rows
from tests.ids import resident_id as rid

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "open_account"
TODAY = date(2026, 11, 26)
SPEC = SPECS["open-account"]


# The people of tests/fixtures/open_account/batch.* (tools/make_open_account_fixtures.py).
ZHANG = rid("41020319900307123")
ROSTER_PERSON = rid("41022119800512401")
PENDING_PERSON = rid("41022219910909502")
BAD_ROWS = {3, 4, 5, 8, 9, 10, 11}
GOOD_ROWS = {2, 6, 7, 12}
FORMATS = (
    "batch.xlsx",
    "batch.xls",
    "batch.ods",
    "batch_lo_utf8_bom.csv",
    "batch_lo_gbk.csv",
    "batch_excel_gbk.csv",
)


def make_pending(services: AppServices, *, roster: bool = True) -> PendingLists:
    unit = services.units.add("100001", "开封市示范机械厂")
    with services.store.session() as session:
        session.get_one(Unit, unit.id).profile = {"unit_ratio": "0.12", "personal_ratio": "0.12"}
        if roster:
            session.add(
                RosterPerson(
                    unit_id=unit.id,
                    account_no="4100007",
                    name="孙八",
                    id_number=ROSTER_PERSON,
                    status="正常",
                )
            )
    return PendingLists(
        services.store,
        open_account.SPEC,
        unit.id,
        lambda: services.units.policy(unit.id),
        today=lambda: TODAY,
    )


@pytest.fixture
def pending(services: AppServices) -> PendingLists:
    made = make_pending(services)
    made.add({"name": "周九", "id_number": PENDING_PERSON, "mobile": "13903781242", "base": "4300"})
    return made


def problems_by_row(check: batch_import.ImportCheck) -> dict[int, list[batch_import.ImportProblem]]:
    found: dict[int, list[batch_import.ImportProblem]] = {}
    for problem in check.problems:
        found.setdefault(problem.row, []).append(problem)
    return found


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_flags_exactly_the_bad_rows(name: str, pending: PendingLists) -> None:
    check = validate_file(FIXTURES / name, SPEC, pending)
    assert [r.row for r in check.rows] == list(range(2, 13))
    assert {r.row for r in check.bad_rows} == BAD_ROWS
    assert {r.row for r in check.good_rows} == GOOD_ROWS
    found = problems_by_row(check)
    assert set(found) == BAD_ROWS
    assert [p.column for p in found[3]] == ["证件号码"] and "校验" in found[3][0].message
    assert found[4][0].column == "证件号码" and "科学计数法" in found[4][0].message
    assert found[4][0].value.startswith("4.10203")
    assert len(found[4]) == 1  # the mangled ID is named once, not again by the ID rules
    assert [p.column for p in found[5]] == ["姓名"] and found[5][0].message == "请填写姓名"
    assert found[8][0].message == "证件号码与第 2 行重复，同一人只能导入一次"
    assert "已在本单位开户（个人账号 4100007" in found[9][0].message
    assert "已在待开户清册中" in found[10][0].message
    assert [p.column for p in found[11]] == ["手机号码"] and found[11][0].value == "1390378124"
    assert check.unknown_headers == ["备注"]
    assert not check.can_import_all and check.can_import_valid


def test_clerks_habits_are_normalised_on_the_good_rows(pending: PendingLists) -> None:
    check = validate_file(FIXTURES / "batch.xlsx", SPEC, pending)
    good = {r.row: r.result.values for r in check.good_rows}
    assert good[6]["base"] == "5000.00"  # "5,000元"
    assert good[7]["id_number"] == rid("41021219890420205")  # full-width digits
    assert good[7]["mobile"] == "13903781239" and good[7]["base"] == "4200.00"
    assert good[12]["name"] == "郑十一" and good[12]["id_type"] == "居民身份证"
    assert good[12]["personal_ratio"] == "0.12" and good[12]["base"] == "7000.50"
    assert good[2]["start_month"] == "2026-11"  # hired 2026-10-08: pays from the next month


def test_import_all_is_refused_while_any_row_is_bad(pending: PendingLists) -> None:
    check = validate_file(FIXTURES / "batch.xlsx", SPEC, pending)
    with pytest.raises(BadInputError, match="7 行有误，不能全部导入"):
        import_rows(check, pending, valid_only=False)
    assert len(pending.rows()) == 1  # only 周九, who was there before


def test_import_valid_only_stores_the_good_rows_with_their_source(pending: PendingLists) -> None:
    check = validate_file(FIXTURES / "batch.xls", SPEC, pending)
    added = import_rows(check, pending, valid_only=True)
    assert [r.source for r in added] == [f"batch.xls 第{n}行" for n in sorted(GOOD_ROWS)]
    rows = pending.rows()
    assert [r.values["name"] for r in rows] == ["周九", "张三", "赵六", "钱七", "郑十一"]
    assert rows[1].values["monthly_amount"] == "1248.00"  # 5200 × (12% + 12%)
    # Importing the same file again finds every good row already pending.
    again = validate_file(FIXTURES / "batch.xls", SPEC, pending)
    assert {r.row for r in again.bad_rows} == BAD_ROWS | GOOD_ROWS


def test_a_clean_file_imports_all_in_one_transaction(services: AppServices, tmp_path: Path) -> None:
    pending = make_pending(services)
    path = tmp_path / "clean.xlsx"
    people = [
        {
            "name": "甲一",
            "id_number": rid("41020319900101111"),
            "mobile": "13800000001",
            "base": "5000",
        },
        {
            "name": "乙二",
            "id_number": rid("41020319900101222"),
            "mobile": "13800000002",
            "base": "6000",
        },
    ]
    write_rows(path, table_spec(SPEC, load_default()), people)
    check = validate_file(path, SPEC, pending)
    assert check.clean and check.can_import_all
    import_rows(check, pending, valid_only=False)
    assert [r.values["name"] for r in pending.rows()] == ["甲一", "乙二"]
    with services.store.session() as session:
        adds = session.scalars(select(AuditEntry).where(AuditEntry.action == "pending.add"))
        assert [a.detail and a.detail.get("count") for a in adds] == [2]


def test_a_person_added_between_check_and_import_stops_the_whole_import(
    services: AppServices, tmp_path: Path
) -> None:
    pending = make_pending(services)
    check = validate_file(FIXTURES / "batch.xlsx", SPEC, pending)
    pending.add(
        {
            "name": "赵六",
            "id_number": rid("41021119950101304"),
            "mobile": "13903781238",
            "base": "5000",
        }
    )
    with pytest.raises(BadInputError, match="没有导入任何记录"):
        import_rows(check, pending, valid_only=True)
    assert [r.values["name"] for r in pending.rows()] == ["赵六"]


def test_rules_changed_since_the_check_are_applied_on_import(services: AppServices) -> None:
    pending = make_pending(services)
    check = validate_file(FIXTURES / "batch.xlsx", SPEC, pending)
    with services.store.session() as session:
        unit = session.get_one(Unit, pending.unit_id)
        unit.profile = {"unit_ratio": "0.10", "personal_ratio": "0.10"}
    added = import_rows(check, pending, valid_only=True)
    assert added[0].values["unit_ratio"] == "0.10"  # checked again, not the stale values


def test_each_row_is_checked_once_when_nothing_changed_since_the_check(
    services: AppServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store trusts the rows its check just judged; the rules are not run a second time."""
    pending = make_pending(services)
    check = validate_file(FIXTURES / "batch.xlsx", SPEC, pending)

    def checked_again(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a row was checked a second time")

    monkeypatch.setattr("app.services.engine.pending_edit.check_row", checked_again)
    added = import_rows(check, pending, valid_only=True)
    # What is stored is what the check gave: normalised and derived values included.
    assert [r.values for r in added] == [r.result.values for r in check.good_rows]
    assert all(r.values["monthly_amount"] for r in added)


def test_missing_required_columns_are_named_once(services: AppServices, tmp_path: Path) -> None:
    pending = make_pending(services)
    path = tmp_path / "no_mobile.csv"
    path.write_text(f"姓名,证件号码,缴存基数\n张三,{ZHANG},5000\n李四,{PENDING_PERSON},5000\n")
    check = validate_file(path, SPEC, pending)
    assert check.missing_required == ["手机号码"]
    assert [(p.row, p.column) for p in check.problems] == [(1, "手机号码")]
    assert not check.can_import_all and not check.can_import_valid
    with pytest.raises(BadInputError, match="缺少必填列：手机号码"):
        import_rows(check, pending, valid_only=True)


def test_a_bad_id_type_is_named_once_at_its_own_column(
    services: AppServices, tmp_path: Path
) -> None:
    """The walkthrough's report said 证件类型's message twice, once at 证件号码."""
    pending = make_pending(services)
    path = tmp_path / "bad_type.csv"
    path.write_text(
        f"姓名,证件类型,证件号码,手机号码,缴存基数\n张三,身分证,{ZHANG},13903781234,5000\n"
    )
    check = validate_file(path, SPEC, pending)
    found = [(p.column, p.message) for p in check.problems]
    assert [column for column, _ in found] == ["证件类型", "证件号码"]
    assert found[0][1].startswith("不认识的证件类型“身分证”")
    assert found[1][1] == "证件类型有误，无法校验证件号码"
    report = write_report(check, tmp_path / "错误报告.xlsx")
    sheet = load_workbook(report).worksheets[0]
    header = [c.value for c in sheet[1]]
    explanation = str(sheet.cell(2, header.index("错误说明") + 1).value)
    assert explanation.count("不认识的证件类型") == 1
    number = sheet.cell(2, header.index("证件号码") + 1)
    assert number.comment is not None
    assert number.comment.text == "证件类型有误，无法校验证件号码"


def test_without_a_unit_rows_are_judged_by_the_default_policy() -> None:
    ctx = standalone_context(load_default(), TODAY)
    check = validate_file(FIXTURES / "batch_excel_gbk.csv", SPEC, ctx)
    # No roster and nothing pending: rows 9 and 10 are fine here; the rest as before.
    assert {r.row for r in check.bad_rows} == BAD_ROWS - {9, 10}


def test_error_report_marks_the_bad_cells(pending: PendingLists, tmp_path: Path) -> None:
    check = validate_file(FIXTURES / "batch.xlsx", SPEC, pending)
    report = write_report(check, tmp_path / "错误报告.xlsx")
    sheet = load_workbook(report).worksheets[0]
    header = [c.value for c in sheet[1]]
    id_col, name_col = header.index("证件号码") + 1, header.index("姓名") + 1
    source_col, error_col = header.index("原行号") + 1, header.index("错误说明") + 1
    rows = {sheet.cell(r, source_col).value: r for r in range(2, sheet.max_row + 1)}
    assert set(rows) == BAD_ROWS
    wrong_digit = sheet.cell(rows[3], id_col)
    assert wrong_digit.fill.fgColor.rgb == "FFFF9999" and wrong_digit.comment is not None
    assert sheet.cell(rows[5], name_col).fill.fgColor.rgb == "FFFF9999"
    assert sheet.cell(rows[3], name_col).fill.fgColor.rgb != "FFFF9999"
    assert "重复" in str(sheet.cell(rows[8], error_col).value)
    # The report, corrected, is read back as an import file (its extra columns are ignored).
    again = read_table(report, check.table)
    assert [r.row_number for r in again.rows] == list(range(2, 2 + len(BAD_ROWS)))


def test_progress_and_cancel(pending: PendingLists) -> None:
    seen: list[str] = []
    validate_file(
        FIXTURES / "batch.ods", SPEC, pending, progress=lambda d, t, stage: seen.append(stage)
    )
    assert seen[-1] == batch_import.CHECKING and batch_import.READING in seen
    with pytest.raises(Cancelled):
        validate_file(FIXTURES / "batch.xlsx", SPEC, pending, cancelled=lambda: True)


def test_table_spec_works_for_any_business() -> None:
    spec = BusinessSpec(
        code="seal",
        name="个人账户封存",
        list_name="待封存清册",
        fields=(
            FieldSpec("account_no", "个人账号", FieldKind.ACCOUNT_NO, required=True),
            FieldSpec("id_number", "证件号码", FieldKind.ID_NUMBER, aliases=("身份证号",)),
            FieldSpec(
                "reason",
                "封存原因",
                FieldKind.CHOICE,
                required=True,
                choices_from=lambda p: p.seal_reasons,
            ),
            FieldSpec("month", "封存年月", FieldKind.MONTH),
            FieldSpec("amount", "月缴存额", FieldKind.MONEY, derived=True),
        ),
    )
    table = table_spec(spec, load_default())
    assert [c.key for c in table.columns] == ["account_no", "id_number", "reason", "month"]
    reason = table.column("reason")
    assert reason.kind is ColumnKind.CHOICE and "离职" in reason.choices and reason.required
    assert table.column("id_number").kind is ColumnKind.TEXT
    assert table.find_column("身份证号") is table.column("id_number")
    assert table.sheet_title == "待封存清册"
    open_table = table_spec(SPEC, load_default())
    assert "monthly_amount" not in {c.key for c in open_table.columns}
    assert open_table.column("id_type").choices == load_default().accepted_id_types


def test_the_template_has_red_required_headers_a_text_id_column_and_an_example(
    services: AppServices, tmp_path: Path
) -> None:
    pending = make_pending(services)
    path = batch_import.write_template_file(tmp_path / "模版.xlsx", SPEC, load_default())
    workbook = load_workbook(path)
    sheet = workbook["待开户清册"]
    header = {c.value: c for c in sheet[1]}
    assert header["姓名"].font.color.rgb == "FFFF0000"
    assert header["证件类型"].font.color is None or header["证件类型"].font.color.rgb != "FFFF0000"
    assert "月缴存额" not in header  # derived: the rules compute it
    id_col = get_column_letter(list(header).index("证件号码") + 1)
    assert sheet[f"{id_col}3"].number_format == "@"
    assert sheet[f"{id_col}2"].value == batch_import.EXAMPLE_ID
    lists = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert any("居民身份证" in str(f) for f in lists)
    assert "说明" in workbook.sheetnames
    # Imported untouched, the template has nothing to import (the example row is skipped) …
    check = validate_file(path, SPEC, pending)
    assert check.rows == [] and check.clean
    # … and its example row itself passes the rules.
    example = batch_import.example_row(SPEC, load_default())
    assert pending.check(example).ok
