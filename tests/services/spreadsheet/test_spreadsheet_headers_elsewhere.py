"""Headers as other centres write them: units in brackets, two rows merged, example labels."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from app.services.spreadsheet import ColumnSpec, TableSpec, read_table


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "名单.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bracketed_unit_or_remark_after_a_header_is_ignored(
    tmp_path: Path, spec: TableSpec
) -> None:
    path = _csv(
        tmp_path,
        "姓名（必填）,证件号码(18位),缴存基数（元）,个人缴存比例[%],手机号码【选填】\n"
        "张三,110101199003077777,5000,12,13800138000\n",
    )

    result = read_table(path, spec)

    assert result.missing_required == []
    assert result.unknown_headers == []
    assert result.rows[0].values["base"] == "5000"
    assert result.rows[0].values["ratio"] == "12"


def test_a_header_whose_bracket_is_its_name_is_matched_whole(tmp_path: Path) -> None:
    spec = TableSpec(
        name="缴存",
        columns=(
            ColumnSpec("unit_amount", "月缴存额(单位)"),
            ColumnSpec("personal_amount", "月缴存额(个人)"),
        ),
    )
    path = _csv(tmp_path, "月缴存额（个人）,月缴存额（单位）\n300,600\n")

    values = read_table(path, spec).rows[0].values

    assert values == {"unit_amount": "600", "personal_amount": "300"}


def test_a_data_row_under_the_header_is_never_taken_for_header(
    tmp_path: Path, spec: TableSpec
) -> None:
    # Column D has no header; the first data row holds, there, a word that is a header name.
    path = _csv(
        tmp_path,
        "姓名,证件号码,缴存基数,\n张三,110101199003077777,5000,手机号码\n",
    )

    result = read_table(path, spec)

    assert result.header_row == 1
    assert [row.row_number for row in result.rows] == [2]
    assert result.rows[0].values["mobile"] == ""


def test_two_row_header_with_the_names_in_the_top_row(tmp_path: Path, spec: TableSpec) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "证件号码", "手机号码", "缴存信息", None])
    sheet.append([None, None, None, "缴存基数（元）", "个人缴存比例"])
    sheet.merge_cells("D1:E1")
    for column in "ABC":
        sheet.merge_cells(f"{column}1:{column}2")
    sheet.append(["张三", "110101199003077777", "13800138000", 5000, 0.12])
    path = tmp_path / "两行表头.xlsx"
    book.save(path)

    result = read_table(path, spec)

    assert result.header_row == 2
    assert result.missing_required == []
    assert result.unknown_headers == []
    assert result.rows[0].row_number == 3
    assert result.rows[0].values["base"] == "5000"
    assert result.rows[0].values["ratio"] == "0.12"
