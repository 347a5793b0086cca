"""read_table on sheets built here: headers, sheets, row numbers, empty rows, progress, cancel."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.errors import Cancelled
from app.services.spreadsheet import TableSpec, read_table


def xlsx(path: Path, rows: Sequence[Sequence[object]], *, title: str = "Sheet1") -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


NAME, ID, BASE = "张三", "110101199003077777", "5000"


@pytest.mark.parametrize(
    "columns",
    [
        [("姓名", NAME), ("证件号码", ID), ("缴存基数", BASE)],
        [("缴存基数", BASE), ("姓名", NAME), ("证件号码", ID)],
        [(" 姓 名 ", NAME), ("证件号码\n（必填）", ID), ("缴存基数*", BASE)],
        [("*姓名", NAME), ("证件号码(必填)", ID), ("缴存基数【必填】", BASE)],
        [("姓名＊", NAME), ("身份证号码", ID), ("月缴存基数", BASE)],
        [("身份证号", ID), ("姓\u3000名", NAME), ("缴存基数 (必填)", BASE)],
        [("ｎａｍｅ", NAME), ("ID_NUMBER", ID), ("Base", BASE)],
    ],
)
def test_headers_found_whatever_their_order_spacing_and_markers(
    tmp_path: Path, spec: TableSpec, columns: list[tuple[str, str]]
) -> None:
    path = xlsx(tmp_path / "t.xlsx", [[h for h, _ in columns], [v for _, v in columns]])

    result = read_table(path, spec)

    assert result.missing_required == []
    assert result.unknown_headers == []
    values = result.rows[0].values
    assert (values["name"], values["id_number"], values["base"]) == (NAME, ID, BASE)


def test_header_under_title_rows_and_row_numbers_stay_true(tmp_path: Path, spec: TableSpec) -> None:
    rows: list[list[object]] = [
        [],
        ["2024 年职工开户名单"],
        ["单位：某某公司", None, "制表日期：2024-01-01"],
        [],
        ["姓名", "证件号码", "缴存基数"],
        ["张三", "110101199003077777", 5000],
        [],
        [None, "   ", None],
        ["李四", "11010119850101002X", 3000],
    ]
    path = xlsx(tmp_path / "t.xlsx", rows)

    result = read_table(path, spec)

    assert result.header_row == 5
    assert [(r.row_number, r.values["name"]) for r in result.rows] == [(6, "张三"), (9, "李四")]


def test_header_beyond_the_first_ten_rows_is_not_found(tmp_path: Path, spec: TableSpec) -> None:
    from app.errors import BadInputError

    path = xlsx(tmp_path / "t.xlsx", [["说明"]] * 10 + [["姓名", "证件号码", "缴存基数"]])

    with pytest.raises(BadInputError, match="前 10 行"):
        read_table(path, spec)


def test_duplicate_header_reads_the_leftmost_and_says_so(tmp_path: Path, spec: TableSpec) -> None:
    path = xlsx(
        tmp_path / "t.xlsx",
        [["姓名", "证件号码", "缴存基数", "身份证号"], ["张三", "110101199003077777", 5000, "x"]],
    )

    result = read_table(path, spec)

    assert result.rows[0].values["id_number"] == "110101199003077777"
    assert [(p.row, p.column, p.value) for p in result.problems] == [(1, "证件号码", "身份证号")]
    assert "不止一次" in result.problems[0].message


def test_data_on_a_later_sheet_is_found(tmp_path: Path, spec: TableSpec) -> None:
    workbook = Workbook()
    notes = workbook.active
    assert notes is not None
    notes.title = "填写说明"
    notes.append(["请在第二个工作表填写"])
    data = workbook.create_sheet("名单")
    data.append(["姓名", "证件号码", "缴存基数"])
    data.append(["张三", "110101199003077777", 5000])
    workbook.save(tmp_path / "t.xlsx")

    result = read_table(tmp_path / "t.xlsx", spec)

    assert [r.values["name"] for r in result.rows] == ["张三"]


def test_the_sheet_named_like_the_template_wins(tmp_path: Path, spec: TableSpec) -> None:
    workbook = Workbook()
    other = workbook.active
    assert other is not None
    other.title = "旧名单"
    other.append(["姓名", "证件号码", "缴存基数"])
    other.append(["旧人", "110101199003077777", 1])
    ours = workbook.create_sheet(spec.sheet_title)
    ours.append(["姓名", "证件号码", "缴存基数"])
    ours.append(["新人", "110101199003077777", 2])
    workbook.save(tmp_path / "t.xlsx")

    result = read_table(tmp_path / "t.xlsx", spec)

    assert [r.values["name"] for r in result.rows] == ["新人"]


def test_values_of_absent_columns_are_empty_and_raw_has_only_present(
    tmp_path: Path, spec: TableSpec
) -> None:
    path = xlsx(tmp_path / "t.xlsx", [["姓名", "证件号码"], ["张三", "110101199003077777"]])

    row = read_table(path, spec).rows[0]

    assert set(row.values) == {c.key for c in spec.columns}
    assert row.values["mobile"] == ""
    assert set(row.raw) == {"name", "id_number"}


def test_cell_values_by_kind(tmp_path: Path, spec: TableSpec) -> None:
    header: list[object] = ["姓名", "证件号码", "缴存基数", "个人缴存比例", "起缴日期", "手机号码"]
    rows: list[list[object]] = [
        header,
        [
            "\u00a0张三\u3000",
            410203199001011234,
            5000.0,
            0.12,
            datetime(2024, 1, 5, 9, 30),
            1.38e10,
        ],
        [
            "李四",
            "１１０１０１１９９００３０７７７７７",
            "５０００．５",
            "１２％",
            "2024年1月5日",
            None,
        ],
        ["王五", "'110101199003077777", 3456.78, 12, 45296, "  "],
        ["赵六", "\t110101199003077777\n", 0.1 + 0.2, "12%", date(2024, 2, 29), True],
    ]
    path = xlsx(tmp_path / "t.xlsx", rows)

    result = read_table(path, spec)

    got = [
        tuple(r.values[k] for k in ("name", "id_number", "base", "ratio", "start", "mobile"))
        for r in result.rows
    ]
    assert got == [
        ("张三", "4.10203199001011E+17", "5000", "0.12", "2024-01-05", "13800000000"),
        ("李四", "110101199003077777", "5000.5", "12%", "2024-01-05", ""),
        ("王五", "110101199003077777", "3456.78", "12", "2024-01-05", ""),
        ("赵六", "110101199003077777", "0.3", "12%", "2024-02-29", "TRUE"),
    ]
    assert [(p.row, p.column) for p in result.problems] == [(2, "证件号码")]


def test_csv_text_markers_of_web_exports(tmp_path: Path, spec: TableSpec) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        '姓名,证件号码,缴存基数\n张三,"=""110101199003077777""",5000\n李四,\'11010119850101002X,1\n',
        encoding="utf-8",
    )

    result = read_table(path, spec)

    assert [r.values["id_number"] for r in result.rows] == [
        "110101199003077777",
        "11010119850101002X",
    ]


def big_sheet(path: Path, rows: int) -> Path:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("名单")
    sheet.append(["姓名", "证件号码", "缴存基数"])
    for index in range(rows):
        sheet.append([f"职工{index}", f"1101011990030{index:05d}", 5000])
    workbook.save(path)
    return path


@pytest.fixture(scope="module")
def sheet_of_5000(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return big_sheet(tmp_path_factory.mktemp("big") / "big.xlsx", 5000)


def test_progress_every_thousand_rows(sheet_of_5000: Path, spec: TableSpec) -> None:
    calls: list[tuple[int, int | None]] = []

    result = read_table(
        sheet_of_5000, spec, progress=lambda done, total: calls.append((done, total))
    )

    assert len(result.rows) == 5000
    assert calls == [(1000, 5001), (2000, 5001), (3000, 5001), (4000, 5001), (5000, 5001)] + [
        (5001, 5001)
    ]


def test_progress_for_csv(tmp_path: Path, spec: TableSpec) -> None:
    lines = ["姓名,证件号码,缴存基数"] + [f"职工{i},110101199003077777,5000" for i in range(2500)]
    path = tmp_path / "t.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    calls: list[tuple[int, int | None]] = []

    result = read_table(path, spec, progress=lambda *call: calls.append(call))

    assert len(result.rows) == 2500
    assert calls == [(1000, 2501), (2000, 2501), (2501, 2501)]


def test_cancel_stops_promptly(sheet_of_5000: Path, spec: TableSpec) -> None:
    seen: list[int] = []
    stop = False

    def progress(done: int, total: int | None) -> None:
        nonlocal stop
        seen.append(done)
        stop = True

    with pytest.raises(Cancelled):
        read_table(sheet_of_5000, spec, progress=progress, cancelled=lambda: stop)

    assert seen == [1000]  # stopped at the next check, not at the end of the file


def test_cancelled_before_start(sheet_of_5000: Path, spec: TableSpec) -> None:
    with pytest.raises(Cancelled):
        read_table(sheet_of_5000, spec, cancelled=lambda: True)
