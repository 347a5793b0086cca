"""缴存职工数据导出 → edited as clerks edit it → read back: every rule, every bad row at once."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from app.errors import BadInputError
from app.models import OutboxItem
from app.services.adjustments.export import EDITABLE, HEADER_ROW, INSTRUCTIONS_SHEET, SHEET
from app.services.adjustments.service import BaseChangeService
from app.services.engine.states import SubmissionState, UploadState
from app.services.rules.yearmonth import YearMonth

D = Decimal
NEW_BASE, NEW_TOTAL = 8, 9  # the two open columns (1-based)


def exported(adjust: BaseChangeService, tmp_path: Path) -> Path:
    path = tmp_path / "职工.xlsx"
    assert adjust.export(path).count == 4  # 赵六 is 封存: not a paying employee
    return path


def edit(path: Path, changes: dict[str, tuple[Any, Any]], out: Path) -> Path:
    """Open and save as a clerk's spreadsheet program does (shared strings, styles kept)."""
    book = openpyxl.load_workbook(path)
    sheet = book[SHEET]
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        if row[0].value in changes:
            base, total = changes[str(row[0].value)]
            row[NEW_BASE - 1].value, row[NEW_TOTAL - 1].value = base, total
    book.save(out)
    return out


def test_export_protects_identity_and_writes_formulas_as_text(
    adjust: BaseChangeService, tmp_path: Path
) -> None:
    book = openpyxl.load_workbook(exported(adjust, tmp_path))
    sheet = book[SHEET]
    assert sheet.protection.sheet
    assert "单位缴存比例 12%，个人缴存比例 12%（本单位现行比例）" in str(sheet["A2"].value)
    assert "四舍五入到元" in str(sheet["A2"].value)
    header = [c.value for c in sheet[HEADER_ROW]]
    assert header[-2:] == list(EDITABLE)
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=HEADER_ROW + 1)}
    assert set(rows) == {"41000001", "41000002", "41000003", "41000005"}
    zhang = rows["41000001"]
    assert [c.value for c in zhang[3:7]] == [5000, 600, 600, 1200]
    assert all(c.protection.locked for c in zhang[:7])
    # The open cells are not in the file: their column's style opens them (and colours them).
    assert zhang[NEW_BASE - 1].value is None and zhang[NEW_TOTAL - 1].value is None
    assert [sheet.column_dimensions[c].protection.locked for c in "ABCDEFGHI"] == [True] * 7 + [
        False,
        False,
    ]
    assert sheet.column_dimensions["H"].fill.fgColor.rgb == "00FFF2CC"
    assert all(c.protection.locked for c in sheet[HEADER_ROW])  # the header stays as it is
    qian = rows["41000005"][1]
    assert (qian.value, qian.data_type) == ("=钱七", "s")  # text, never a formula
    notes = [r[0].value for r in book[INSTRUCTIONS_SHEET].iter_rows()]
    assert any("其中之一" in str(n) for n in notes)


def test_base_or_amount_per_row_and_unchanged_rows(
    adjust: BaseChangeService, tmp_path: Path
) -> None:
    path = edit(
        exported(adjust, tmp_path),
        {"41000001": (5500, None), "41000002": (None, 1680.0), "41000003": ("4200", "1008")},
        tmp_path / "改.xlsx",
    )
    result = adjust.import_file(path, YearMonth(2026, 12))
    bases = {r["account_no"]: r["base"] for r in result.rows}
    # 1680 ÷ 24 % = 7000: the amount's base; 4200 × 24 % = 1008 agrees; 钱七 unchanged.
    assert bases == {
        "41000001": "5500.00",
        "41000002": "7000.00",
        "41000003": "4200.00",
        "41000005": "2000.00",
    }
    review = adjust.review()
    assert (review.changed, review.unchanged) == (3, 1)
    assert [r.name for r in review.rows][:2] == ["李四", "张三"]  # largest change first
    assert review.old_amount_total == D("4080.00")  # (5000+6000+4000+2000) × 24 %
    assert review.new_amount_total == D("4488.00")  # (5500+7000+4200+2000) × 24 %
    assert [m.name for m in review.missing] == []
    listed = adjust.pending.rows()
    assert {r.values["effective_month"] for r in listed} == {"2026-12"}
    assert listed[0].values["old_base"] and listed[0].values["monthly_amount"]


def test_every_bad_row_at_once_nothing_imported(adjust: BaseChangeService, tmp_path: Path) -> None:
    path = edit(
        exported(adjust, tmp_path),
        {
            "41000001": (5500, 1000),  # both, disagreeing
            "41000002": (None, 1561),  # no base gives an odd amount at 12 % + 12 %
            "41000003": (99999, None),  # above the ceiling
            "41000005": ("abc", None),
        },
        tmp_path / "错.xlsx",
    )
    check = adjust.validate(path)
    by_row = {p.row: p for p in check.problems}
    assert sorted(by_row) == [4, 5, 6, 7]
    assert "不一致" in by_row[4].message and by_row[4].column == "调整后月缴存额"
    assert "最接近的有效金额为 1,560.00 或 1,562.00" in by_row[5].message
    assert "高于中心规定的上限" in by_row[6].message
    assert by_row[7].column == "调整后缴存基数"
    with pytest.raises(BadInputError, match="4 处错误"):
        adjust.import_file(path)
    assert adjust.pending.rows() == []


def test_missing_and_strangers_are_named(adjust: BaseChangeService, tmp_path: Path) -> None:
    path = tmp_path / "职工.csv"
    with path.open("w", encoding="gbk", newline="") as fh:  # WPS saves csv as GBK
        writer = csv.writer(fh)
        writer.writerow(["个人账号", "姓名", "证件号码", "调整后缴存基数", "调整后月缴存额"])
        writer.writerow(["41000001", "张三", "", "５５００", ""])  # full-width digits
        writer.writerow(["49999999", "外人甲", "", "5000", ""])
    adjust.import_file(path)
    review = adjust.review()
    assert [r.name for r in review.rows] == ["张三"]
    assert review.rows[0].new_base == D("5500.00")
    assert {m.name for m in review.missing} == {"李四", "王五", "=钱七"}
    assert [(s.name, s.account_no) for s in review.strangers] == [("外人甲", "49999999")]
    assert "调整 1 人" in review.summary()


def test_a_reviewed_ratio_change_sets_the_ratios(adjust: BaseChangeService, tmp_path: Path) -> None:
    with adjust.store.session() as session:
        session.add(
            OutboxItem(
                unit_id=adjust.unit_id,
                business="ratio-change",
                idempotency_key="k1",
                rows=[{"effective_month": "2027-01", "unit_ratio": "0.1", "personal_ratio": "0.1"}],
                state=UploadState.SENT,
                review_state=SubmissionState.REVIEWED.value,
            )
        )
    assert adjust.default_month() == YearMonth(2027, 1)
    path = edit(exported(adjust, tmp_path), {"41000001": (None, 1000)}, tmp_path / "改.xlsx")
    assert "单位缴存比例 10%" in str(openpyxl.load_workbook(path)[SHEET]["A2"].value)
    result = adjust.import_file(path)
    first = next(r for r in result.rows if r["account_no"] == "41000001")
    assert (first["base"], first["unit_ratio"], first["effective_month"]) == (
        "5000.00",
        "0.1",
        "2027-01",
    )
    assert adjust.review().rows[-1].new_total == D("400.00")  # 钱七: 2000 × 20 %


def test_a_second_file_replaces_the_list(adjust: BaseChangeService, tmp_path: Path) -> None:
    source = exported(adjust, tmp_path)
    adjust.import_file(edit(source, {"41000001": (5500, None)}, tmp_path / "一.xlsx"))
    adjust.import_file(edit(source, {"41000001": (5600, None)}, tmp_path / "二.xlsx"))
    bases = [
        r.values["base"] for r in adjust.pending.rows() if r.values["account_no"] == "41000001"
    ]
    assert bases == ["5600.00"]
