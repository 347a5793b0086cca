"""Make the 个人开户（批量） fixtures in tests/fixtures/open_account/ (committed as binaries).

    .venv/bin/python tools/make_open_account_fixtures.py

One batch of the mistakes clerks make, in every format a clerk brings: .xlsx by openpyxl; .xls,
.ods and CSV (UTF-8 with BOM, GBK) converted from it by LibreOffice (`apt-get install
libreoffice-calc-nogui`); and a GBK CSV as Excel on Chinese Windows writes one (the ID that sat
in a number cell comes out as 4.10203E+17). Tests read only the committed files.

Rows (Excel row numbers; header in row 1):
   2 good                       7 good: full-width digits in ID and mobile
   3 wrong check digit          8 same ID as row 2
   4 ID in a number cell        9 a person already in the roster (tests put them there)
   5 no name                   10 a person already pending (tests add them first)
   6 good: base "5,000元"      11 a mobile one digit short
                               12 good: "身份证", ratio "12%", spaces around the name
"""

from __future__ import annotations

import codecs
import shutil
import subprocess
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "open_account"
FIXED_TIME = datetime(2026, 11, 1, 8, 0, 0)
LO_CSV_UTF8_BOM = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false"
LO_CSV_GBK = "csv:Text - txt - csv (StarCalc):44,34,85,1"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def check_digit(first17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def rid(first17: str) -> str:
    return first17 + check_digit(first17)


def wrong(first17: str) -> str:
    good = check_digit(first17)
    return first17 + ("1" if good != "1" else "2")


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ZHANG = rid("41020319900307123")
ROSTER_PERSON = rid("41022119800512401")
PENDING_PERSON = rid("41022219910909502")

HEADER = ["姓名", "证件类型", "证件号码", "手机号码", "缴存基数", "个人缴存比例", "入职日期"]
HEADER.append("备注")
ROWS: list[list[object]] = [
    ["张三", "居民身份证", ZHANG, "13903781234", 5200, None, date(2026, 10, 8), ""],
    ["李四", "居民身份证", wrong("41020519850615002"), "13903781235", 4800, None, None, "校验码错"],
    ["王五", "居民身份证", 410203199203041000, "13903781236", 6000, None, None, "数字格式"],
    [None, "居民身份证", rid("41020419880808201"), "13903781237", 3500, None, None, "缺姓名"],
    ["赵六", "居民身份证", rid("41021119950101304"), "13903781238", "5,000元", None, None, ""],
    [
        "钱七",
        "居民身份证",
        rid("41021219890420205").translate(FULL_WIDTH),
        "１３９０３７８１２３９",
        "４２００",
        None,
        None,
        "全角",
    ],
    ["张叁", "居民身份证", ZHANG, "13903781240", 5200, None, None, "重复"],
    ["孙八", "居民身份证", ROSTER_PERSON, "13903781241", 4100, None, None, "已开户"],
    ["周九", "居民身份证", PENDING_PERSON, "13903781242", 4300, None, None, "已在清册"],
    ["吴十", "居民身份证", rid("41022319930303603"), "1390378124", 4400, None, None, "手机少一位"],
    [" 郑十一 ", "身份证", rid("41022519870707704"), "13903781244", 7000.5, "12%", None, ""],
]
BAD_ROWS = (3, 4, 5, 8, 9, 10, 11)


def make_xlsx(path: Path) -> None:
    workbook = Workbook()
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    workbook.properties.creator = "make_open_account_fixtures"
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Sheet1"
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str) and cell.column_letter in "CD":
                cell.number_format = "@"  # text IDs and mobiles, as the template has them
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    workbook.save(path)


def make_excel_csv(path: Path) -> None:
    """What Excel's “CSV (逗号分隔)” writes on Chinese Windows: GBK, numbers as shown."""
    lines = [",".join(HEADER)]
    for row in ROWS:
        cells = []
        for value in row:
            if isinstance(value, int) and value > 10**15:
                cells.append("4.10203E+17")
            elif isinstance(value, date):
                cells.append(f"{value.year}/{value.month}/{value.day}")
            elif value is None:
                cells.append("")
            else:
                text = str(value)
                cells.append(f'"{text}"' if "," in text else text)
        lines.append(",".join(cells))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))


def convert(source: Path, target: Path, filter_spec: str) -> None:
    home = tempfile.mkdtemp(prefix="lo-home-")
    try:
        with tempfile.TemporaryDirectory() as temporary:
            subprocess.run(
                [
                    "soffice",
                    "--headless",
                    "--convert-to",
                    filter_spec,
                    "--outdir",
                    temporary,
                    str(source),
                ],
                env={"HOME": home, "PATH": "/usr/bin:/bin"},
                check=True,
                capture_output=True,
                timeout=120,
            )
            shutil.move(next(Path(temporary).iterdir()), target)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    xlsx = OUT / "batch.xlsx"
    make_xlsx(xlsx)
    make_excel_csv(OUT / "batch_excel_gbk.csv")
    if shutil.which("soffice") is None:
        print("soffice not found: install libreoffice-calc-nogui for .xls/.ods/CSV fixtures")
        return 1
    convert(xlsx, OUT / "batch.xls", "xls")
    convert(xlsx, OUT / "batch.ods", "ods")
    bom = OUT / "batch_lo_utf8_bom.csv"
    convert(xlsx, bom, LO_CSV_UTF8_BOM)
    if not bom.read_bytes().startswith(codecs.BOM_UTF8):  # LibreOffice 7.4 writes none
        bom.write_bytes(codecs.BOM_UTF8 + bom.read_bytes())  # as Excel's “CSV UTF-8” does
    convert(xlsx, OUT / "batch_lo_gbk.csv", LO_CSV_GBK)
    return 0


if __name__ == "__main__":
    sys.exit(main())
