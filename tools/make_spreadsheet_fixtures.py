"""Make the spreadsheet test fixtures in tests/fixtures/spreadsheet/ (committed as binaries).

    .venv/bin/python tools/make_spreadsheet_fixtures.py

.xlsx files are written by openpyxl; .xls, .ods and the LibreOffice CSVs are converted from
them by LibreOffice (`apt-get install libreoffice-calc-nogui`), the password-protected .xlsx by
LibreOffice through UNO (`apt-get install python3-uno`, run by the system python3). Tests read
only the committed files, so neither is needed at test time. The files are not byte-identical
between runs (zip timestamps), only identical in content.
"""

from __future__ import annotations

import argparse
import codecs
import shutil
import subprocess
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "spreadsheet"
FIXED_TIME = datetime(2024, 1, 1, 8, 0, 0)

# LibreOffice's CSV filter: separator 44 (,), quote 34 ("), text encoding (76 = UTF-8,
# 85 = MS-936, i.e. GBK as Excel and WPS write it on Chinese Windows), first line 1.
LO_CSV_UTF8 = "csv:Text - txt - csv (StarCalc):44,34,76,1"
LO_CSV_GBK = "csv:Text - txt - csv (StarCalc):44,34,85,1"

CLEAN_HEADER = ["姓名", "证件类型", "证件号码", "缴存基数", "个人缴存比例", "起缴日期", "手机号码"]
CLEAN_ROWS: list[list[object]] = [
    ["张三", "身份证", "110101199003077777", 5000, 0.12, date(2024, 1, 5), "13800138000"],
    ["李四", "身份证", "11010119850101002X", 3000.5, 0.1, date(2023, 12, 1), ""],
    ["王五", "护照", "E12345678", 8000, 0.12, date(2024, 2, 1), "13900139000"],
]

# A title row, an empty row, then decorated headers in another order, and the mess clerks make.
MESSY_TITLE = "某某有限公司 职工批量开户名单（2024年1月）"
MESSY_HEADER = [
    "证件号码（必填）",
    "姓名＊",
    "月缴存基数",
    "证件类型",
    "\u3000手机 号码 ",
    "备注",
    "起缴日期",
    "个人缴存比例",
]
MESSY_ROWS: list[list[object]] = [
    # row 4: text ID, spaces around the name, full-width digits in the mobile number
    [
        "410203199001011234",
        " 张三 ",
        5000,
        "身份证",
        "１３８００１３８０００",
        "老员工",
        date(2024, 1, 5),
        0.12,
    ],
    [None] * 8,  # row 5: empty
    # row 6: an 18-digit ID typed into a number cell (Excel keeps 15 digits), nbsp, text date
    [410203199001011000, "李四\u00a0", "３０００．５０", "身份证", None, None, "2024/1/5", "12%"],
    # row 7: a 15-digit legacy ID in a number cell: nothing lost
    [410203900101123, "王五", 8000.0, "身份证", "13900139000", None, date(2024, 2, 1), 0.1],
    [None, None, None, None, None, "这一行只有备注", None, None],  # row 8: nothing to import
    ["  ", "\u3000", None, None, None, None, None, None],  # row 9: only blanks
    ["11010119850101002X", "赵六", 3200, "身份证", None, None, date(2024, 3, 1), 0.12],  # row 10
]


def _workbook(title: str) -> tuple[Workbook, Worksheet]:
    workbook = Workbook()
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    workbook.properties.creator = "make_spreadsheet_fixtures"
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    return workbook, sheet


def _text_ids(sheet: Worksheet) -> None:
    """Cells holding digit strings get the text format, as a clerk's template would."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value[:1].isdigit():
                cell.number_format = "@"


def make_clean(path: Path) -> None:
    workbook, sheet = _workbook("开户清册")
    sheet.append(CLEAN_HEADER)
    for row in CLEAN_ROWS:
        sheet.append(row)
    _text_ids(sheet)
    for cell in sheet["F"][1:]:
        cell.number_format = "yyyy-mm-dd"
    workbook.save(path)


def make_messy(path: Path) -> None:
    workbook, sheet = _workbook("职工名单")
    sheet.append([MESSY_TITLE])
    sheet.merge_cells("A1:H1")
    sheet.append([])
    sheet.append(MESSY_HEADER)
    for row in MESSY_ROWS:
        sheet.append(row)
    _text_ids(sheet)
    for cell in sheet["G"][3:]:
        if isinstance(cell.value, date):
            cell.number_format = "yyyy-mm-dd"
    workbook.save(path)


def make_missing_columns(path: Path) -> None:
    workbook, sheet = _workbook("Sheet1")
    sheet.append(["姓名", "性别", "部门"])
    sheet.append(["张三", "男", "财务部"])
    workbook.save(path)


def make_no_header(path: Path) -> None:
    workbook, sheet = _workbook("Sheet1")
    for index in range(12):
        sheet.append([f"第{index}行", index, "无表头"])
    workbook.save(path)


def make_text_files(out: Path) -> None:
    # Excel's "CSV (逗号分隔)" on Chinese Windows: GBK, and the number-cell ID as it was shown.
    excel_csv = (
        "证件号码,姓名,缴存基数\r\n4.10203E+17,李四,3000\r\n110101199003077777,张三,5000\r\n"
    )
    (out / "excel_sci_gbk.csv").write_bytes(excel_csv.encode("gbk"))
    # Excel's "Unicode 文本": UTF-16 LE with BOM, tab separated.
    unicode_text = "姓名\t证件号码\t缴存基数\r\n张三\t110101199003077777\t5000\r\n"
    (out / "unicode_text.txt").write_bytes(codecs.BOM_UTF16_LE + unicode_text.encode("utf-16-le"))
    # A European-locale Excel separates with semicolons.
    semicolon = "姓名;证件号码;缴存基数\n张三;110101199003077777;5000,5\n"
    (out / "semicolon.csv").write_text(semicolon, encoding="utf-8")
    # A web system's "Excel export": an HTML table saved as .xls, in GBK.
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"></head>'
        "<body><table border=1>"
        '<tr><td colspan="3">单位职工名单</td></tr>'
        "<tr><th>姓名</th><th>证件号码</th><th>缴存基数</th></tr>"
        "<tr><td>张三</td><td style='mso-number-format:\"\\@\"'>110101199003077777</td>"
        "<td>5000</td></tr>"
        "<tr><td>李&nbsp;四</td><td>11010119850101002X</td><td>3,000.50</td></tr>"
        "</table></body></html>"
    )
    (out / "html_named.xls").write_bytes(html.encode("gbk"))
    (out / "empty.csv").write_bytes(b"")


def make_broken(out: Path) -> None:
    clean = (out / "clean.xlsx").read_bytes()
    (out / "xlsx_named.xls").write_bytes(clean)
    (out / "corrupt.xlsx").write_bytes(clean[: len(clean) // 2])
    xls = out / "messy.xls"
    if xls.exists():
        (out / "corrupt.xls").write_bytes(xls.read_bytes()[:1536])


def soffice(args: list[str], workdir: Path) -> None:
    home = tempfile.mkdtemp(prefix="lo-home-")
    try:
        subprocess.run(
            ["soffice", "--headless", *args],
            cwd=workdir,
            env={"HOME": home, "PATH": "/usr/bin:/bin"},
            check=True,
            capture_output=True,
            timeout=120,
        )
    finally:
        shutil.rmtree(home, ignore_errors=True)


def convert(source: Path, target: str, filter_spec: str, out: Path) -> None:
    """Convert with LibreOffice into a temporary folder, then move to `out/target`."""
    with tempfile.TemporaryDirectory() as temporary:
        soffice(["--convert-to", filter_spec, "--outdir", temporary, str(source)], out)
        produced = next(Path(temporary).iterdir())
        shutil.move(produced, out / target)


_UNO_SCRIPT = r"""
import subprocess, sys, time, uno
from com.sun.star.beans import PropertyValue
source, target, home = sys.argv[1:4]
office = subprocess.Popen(["soffice", "--headless", "--norestore",
    "--accept=pipe,name=gjjfixtures;urp;", "-env:UserInstallation=file://" + home])
context = uno.getComponentContext()
resolver = context.ServiceManager.createInstanceWithContext(
    "com.sun.star.bridge.UnoUrlResolver", context)
for _ in range(100):
    try:
        remote = resolver.resolve(
            "uno:pipe,name=gjjfixtures;urp;StarOffice.ComponentContext")
        break
    except Exception:
        time.sleep(0.2)
def prop(name, value):
    p = PropertyValue(); p.Name = name; p.Value = value; return p
desktop = remote.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", remote)
doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0,
    (prop("Hidden", True),))
doc.storeToURL(uno.systemPathToFileUrl(target),
    (prop("FilterName", sys.argv[4]), prop("Password", "secret")))
doc.close(True)
try:
    desktop.terminate()
except Exception:
    pass
office.wait(timeout=30)
"""


def make_protected(out: Path) -> None:
    """Password-protected .xls and .ods, stored through UNO with a password ("secret").

    LibreOffice 7.4 ignores the password when it stores .xlsx, so there is no encrypted .xlsx
    fixture; reading one is covered by the same PasswordError path as these.
    """
    for target, filter_name in (("protected.xls", "MS Excel 97"), ("protected.ods", "calc8")):
        home = tempfile.mkdtemp(prefix="lo-home-")
        try:
            script = [str(out / "clean.xlsx"), str(out / target), home, filter_name]
            subprocess.run(
                ["/usr/bin/python3", "-c", _UNO_SCRIPT, *script], check=True, timeout=180
            )
        finally:
            shutil.rmtree(home, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    make_clean(out / "clean.xlsx")
    make_messy(out / "messy.xlsx")
    make_missing_columns(out / "missing_columns.xlsx")
    make_no_header(out / "no_header.xlsx")
    make_text_files(out)
    if shutil.which("soffice") is None:
        print("soffice not found: install libreoffice-calc-nogui for .xls/.ods/CSV fixtures")
        return 1
    for name in ("clean", "messy"):
        convert(out / f"{name}.xlsx", f"{name}.xls", "xls", out)
        convert(out / f"{name}.xlsx", f"{name}.ods", "ods", out)
    convert(out / "messy.xlsx", "messy_gbk.csv", LO_CSV_GBK, out)
    convert(out / "messy.xlsx", "messy_utf8.csv", LO_CSV_UTF8, out)
    # Excel's "CSV UTF-8" writes a BOM; LibreOffice 7.4 does not, so add one to its output.
    utf8 = (out / "messy_utf8.csv").read_bytes()
    (out / "messy_utf8_bom.csv").write_bytes(codecs.BOM_UTF8 + utf8)
    make_broken(out)
    make_protected(out)
    for path in sorted(out.iterdir()):
        print(f"{path.stat().st_size:8d}  {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
