"""缴存职工数据导出 filled in, then saved by LibreOffice as .xlsx, .xls, .csv and a GBK .csv:
each comes back with the same difference review as the file openpyxl wrote.

LibreOffice stands in for the clerk's spreadsheet program (it re-writes numbers, shared
strings, styles and protection its own way). Each `soffice` start costs seconds, so the file is
converted once per format for the whole module.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from app.services.adjustments.export import HEADER_ROW, SHEET, export_employees
from app.services.adjustments.inforce import RatiosInForce
from app.services.adjustments.review import DifferenceReview
from app.services.adjustments.service import BaseChangeService
from app.services.engine.spec import RosterEntry
from app.services.policy import load_default
from app.services.rules.yearmonth import YearMonth
from tests.adjust_roster import PEOPLE

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None,
    reason="没有 LibreOffice（soffice）：apt-get install libreoffice-calc-nogui（.ci/run 会安装）",
)
NEW_BASE, NEW_TOTAL = 8, 9  # the two open columns (1-based)
# 张三 by base, 李四 by amount (1680 ÷ 24 % = 7000), 王五 both agreeing, 钱七 left as is.
EDITS: dict[str, tuple[Any, Any]] = {
    "41000001": (5500, None),
    "41000002": (None, 1680),
    "41000003": (4200, 1008),
}
GBK = "56"  # LibreOffice's code of the Windows Chinese code page (GBK) in the CSV filter
FORMATS = {
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
    "xls": "xls:MS Excel 97",
    "csv": "csv:Text - txt - csv (StarCalc):44,34,76",  # UTF-8
    "gbk.csv": f"csv:Text - txt - csv (StarCalc):44,34,{GBK}",
}
MONTH = YearMonth(2026, 12)


def _people() -> list[RosterEntry]:
    return [
        RosterEntry(
            account_no=account,
            name=name,
            id_type="居民身份证",
            id_number=f"41020319900101{n:03d}X",
            status=status,
            base=Decimal(base),
            unit_ratio=Decimal("0.12"),
            personal_ratio=Decimal("0.12"),
            monthly_amount=Decimal(base) * Decimal("0.24"),
            paid_to=None,
        )
        for n, (account, name, status, base) in enumerate(PEOPLE)
    ]


def _exported(folder: Path) -> Path:
    ratios = RatiosInForce(Decimal("0.12"), Decimal("0.12"), "本单位现行比例")
    source = folder / "导出.xlsx"
    export_employees(source, _people(), ratios, load_default(), "开封市示范机械厂")
    return source


def _edited(folder: Path) -> Path:
    """The export of the small unit's roster, filled in as a clerk fills it."""
    book = openpyxl.load_workbook(_exported(folder))
    for row in book[SHEET].iter_rows(min_row=HEADER_ROW + 1):
        if str(row[0].value) in EDITS:
            row[NEW_BASE - 1].value, row[NEW_TOTAL - 1].value = EDITS[str(row[0].value)]
    edited = folder / "已填写.xlsx"
    book.save(edited)
    return edited


def _convert(soffice: str, source: Path, target: str, folder: Path) -> Path:
    out = folder / target.split(":", 1)[0].replace(".", "-")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",  # never the user's profile
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(source),
        ],
        env={**os.environ, "HOME": str(folder / "home")},
        check=True,
        capture_output=True,
        timeout=300,  # a hung office must not hang the suite
    )
    (converted,) = out.iterdir()
    return converted


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    assert SOFFICE is not None
    folder = tmp_path_factory.mktemp("libreoffice")
    edited = _edited(folder)
    found = {"openpyxl": edited}
    for name, target in FORMATS.items():
        converted = _convert(SOFFICE, edited, target, folder / name)
        found[name] = converted.rename(converted.with_name(f"已填写.{name}"))
    return found


def _seen(review: DifferenceReview) -> tuple[Any, ...]:
    """Everything the clerk reads in the review."""
    rows = [
        (r.account_no, r.name, r.old_base, r.new_base, r.old_total, r.new_total)
        for r in review.rows
    ]
    missing = [(m.account_no, m.name) for m in review.missing]
    return review.summary(), rows, missing, [s.name for s in review.strangers]


@pytest.mark.parametrize("name", list(FORMATS))
def test_libreoffice_saves_come_back_with_the_same_review(
    adjust: BaseChangeService, files: dict[str, Path], name: str
) -> None:
    adjust.import_file(files["openpyxl"], MONTH)
    expected = _seen(adjust.review())
    assert expected[1][0][:4] == ("41000002", "李四", Decimal("6000.00"), Decimal("7000.00"))
    assert "调整 3 人，未变化 1 人" in expected[0]

    result = adjust.import_file(files[name], MONTH)

    assert result.problems == [] and len(result.rows) == 4
    assert _seen(adjust.review()) == expected


def test_the_gbk_csv_is_gbk(files: dict[str, Path]) -> None:
    data = files["gbk.csv"].read_bytes()
    assert "张三" in data.decode("gbk") and "=钱七" in data.decode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


ODF = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
}


def _odf(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{ODF[prefix]}}}{local}"


def _open_cells(fods: Path, row_number: int) -> list[bool]:
    """Which of the first nine cells of a row LibreOffice lets the clerk edit on the protected
    sheet: a cell's own style, else its column's default cell style, says cell-protect."""
    root = ET.parse(fods).getroot()
    open_styles = {
        style.get(_odf("style:name"))
        for style in root.iter(_odf("style:style"))
        for props in style.iter(_odf("style:table-cell-properties"))
        if props.get(_odf("style:cell-protect")) == "none"
    }
    table = next(root.iter(_odf("table:table")))
    assert table.get(_odf("table:protected")) == "true"
    column_styles: list[str | None] = []
    for column in table.iter(_odf("table:table-column")):
        repeated = int(column.get(_odf("table:number-columns-repeated"), "1"))
        column_styles += [column.get(_odf("table:default-cell-style-name"))] * min(repeated, 20)
    rows: list[ET.Element] = []
    for element in table.iter(_odf("table:table-row")):
        rows += [element] * min(int(element.get(_odf("table:number-rows-repeated"), "1")), 50)
    row = rows[row_number - 1]
    cells: list[str | None] = []
    for cell in row:
        repeated = int(cell.get(_odf("table:number-columns-repeated"), "1"))
        cells += [cell.get(_odf("table:style-name"))] * min(repeated, 20)
    return [(cells[i] or column_styles[i]) in open_styles for i in range(9)]


def test_libreoffice_opens_only_the_two_adjusted_columns(tmp_path: Path) -> None:
    """The open columns are open by their column's style, which a spreadsheet program gives
    every cell of the column the file leaves out; the identity and current figures stay locked."""
    assert SOFFICE is not None
    fods = _convert(SOFFICE, _exported(tmp_path), "fods", tmp_path / "fods")
    for row_number in (HEADER_ROW + 1, HEADER_ROW + 4, HEADER_ROW + 20):  # the last: no data
        assert _open_cells(fods, row_number) == [False] * 7 + [True, True], row_number
    assert _open_cells(fods, HEADER_ROW) == [False] * 9  # the header is not to be renamed
