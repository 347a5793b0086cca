"""Where rows come from: the file's real format (by its bytes), and an iterator of raw rows.

Clerks' files lie about their kind: web systems and WPS save HTML or CSV under ".xls", an
".xls" may really be an .xlsx, and a password-protected .xlsx is an OLE2 file, not a zip.
So the format is decided by magic bytes; the extension is only used in messages.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from html.parser import HTMLParser
from pathlib import Path

import python_calamine as calamine

from app.errors import BadInputError

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_OOXML = "EncryptionInfo".encode("utf-16-le")
_SAVE_AS_HINT = "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。"
_SPREADSHEETML = b"urn:schemas-microsoft-com:office:spreadsheet"
# One cap for every format: far above any real list (100,000 people as SpreadsheetML, the
# wordiest format, is ~60 MB), low enough that no file can exhaust the clerk's memory.
MAX_FILE_BYTES = 256 * 1024 * 1024
_PASSWORD = "设置了打开密码。请在 Excel 或 WPS 中取消密码后保存，再导入。"


class FileFormat(StrEnum):
    """A spreadsheet format this layer reads."""

    XLSX = "xlsx"
    XLSB = "xlsb"
    XLS = "xls"
    ODS = "ods"
    CSV = "csv"
    HTML = "html"
    XML2003 = "xml2003"  # SpreadsheetML 2003, saved as .xls or .xml


CALAMINE_FORMATS = frozenset({FileFormat.XLSX, FileFormat.XLSB, FileFormat.XLS, FileFormat.ODS})


@dataclass
class SheetSource:
    """One sheet's raw rows, from Excel row 1; `total` is the row count when known."""

    name: str
    total: int | None
    rows: Iterator[Sequence[object]]


def bad_file(path: Path, what: str) -> BadInputError:
    """The error for a file that cannot be read, naming the file."""
    return BadInputError(f"文件「{path.name}」{what}", field=str(path), code="bad_file")


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The file's bytes (the first `limit` of them), with OS errors told in Chinese."""
    try:
        with path.open("rb") as handle:
            return handle.read() if limit is None else handle.read(limit)
    except FileNotFoundError:
        raise bad_file(path, "不存在，请检查文件位置。") from None
    except IsADirectoryError:
        raise bad_file(path, "是一个文件夹，不是表格文件。") from None
    except PermissionError:
        raise bad_file(path, "无法打开：没有读取权限，或正被其他程序占用。") from None
    except OSError as exc:
        raise bad_file(path, f"无法读取：{exc.strerror or exc}。") from None


def detect_format(path: Path) -> FileFormat:
    """The format the file's bytes say it has; BadInputError when it is no table at all."""
    head = read_bytes(path, 8192)
    if not head.strip():
        raise bad_file(path, "是空的，没有任何内容。")
    _check_size(path)
    if head.startswith(_ZIP_MAGIC):
        return _zip_format(path)
    if head.startswith(_OLE2_MAGIC):
        if _ENCRYPTED_OOXML in read_bytes(path):
            raise bad_file(path, _PASSWORD)
        return FileFormat.XLS
    if head.startswith(b"%PDF"):
        raise bad_file(path, "是 PDF 文件，不是表格。请导入 .xlsx、.xls 或 .csv 文件。")
    text_head = _strip_bom(head).lstrip().lower()
    if text_head.startswith((b"<?xml", b"<workbook")) and _SPREADSHEETML in head:
        return FileFormat.XML2003
    if text_head.startswith((b"<!doctype html", b"<html", b"<table", b"<meta", b"<head")):
        return FileFormat.HTML
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise bad_file(path, f"已损坏，或不是可识别的表格文件。{_SAVE_AS_HINT}")
    return FileFormat.CSV


def _check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError:
        return  # read_bytes has just read it; the next read says what is wrong
    if size > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // 1024 // 1024
        raise bad_file(
            path,
            f"有 {size / 1024 / 1024:.0f} MB，超过了可导入的上限 {limit} MB。"
            "请分成几个较小的文件分别导入。",
        )


def _strip_bom(data: bytes) -> bytes:
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if data.startswith(bom):
            return data[len(bom) :]
    return data


def _zip_format(path: Path) -> FileFormat:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype") if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError, EOFError):
        raise bad_file(path, f"已损坏（压缩包结构不完整），无法打开。{_SAVE_AS_HINT}") from None
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        return FileFormat.ODS
    if "xl/workbook.xml" in names:
        return FileFormat.XLSX
    if "xl/workbook.bin" in names:
        return FileFormat.XLSB
    if any(name.startswith("word/") for name in names):
        raise bad_file(path, "是 Word 文档，不是表格。请导入 .xlsx、.xls 或 .csv 文件。")
    raise bad_file(path, f"不是有效的 Excel 表格。{_SAVE_AS_HINT}")


# --- Excel / ODS through calamine -------------------------------------------------------------


_SUFFIXES = {
    FileFormat.XLSX: (".xlsx", ".xlsm"),
    FileFormat.XLSB: (".xlsb",),
    FileFormat.XLS: (".xls",),
    FileFormat.ODS: (".ods",),
}


def open_workbook(path: Path, fmt: FileFormat) -> calamine.CalamineWorkbook:
    """The workbook opened by calamine, its errors told in Chinese."""
    try:
        if path.suffix.lower() in _SUFFIXES.get(fmt, ()):
            return calamine.CalamineWorkbook.from_path(str(path))
        # calamine trusts the extension; a file that lies about it is given as bytes, which
        # calamine sniffs (it cannot tell an encrypted file that way, hence the path first).
        return calamine.CalamineWorkbook.from_filelike(io.BytesIO(read_bytes(path)))
    except calamine.PasswordError:
        raise bad_file(path, _PASSWORD) from None
    except (calamine.CalamineError, ValueError, OSError) as exc:
        raise bad_file(path, f"已损坏，无法读取（{_short(exc)}）。{_SAVE_AS_HINT}") from None


def worksheet_names(workbook: calamine.CalamineWorkbook) -> list[str]:
    """Visible worksheets first (in workbook order), then hidden ones; chart sheets left out."""
    visible: list[str] = []
    hidden: list[str] = []
    for meta in workbook.sheets_metadata:
        if meta.typ != calamine.SheetTypeEnum.WorkSheet:
            continue
        is_visible = meta.visible == calamine.SheetVisibleEnum.Visible
        (visible if is_visible else hidden).append(meta.name)
    return visible + hidden


def calamine_sheet(path: Path, workbook: calamine.CalamineWorkbook, name: str) -> SheetSource:
    """One sheet of a calamine workbook; rows start at Excel row 1, columns at its first used."""
    try:
        sheet = workbook.get_sheet_by_name(name)
    except calamine.PasswordError:
        raise bad_file(path, _PASSWORD) from None
    except (calamine.CalamineError, ValueError) as exc:
        raise bad_file(
            path, f"的工作表「{name}」已损坏（{_short(exc)}）。{_SAVE_AS_HINT}"
        ) from None
    # calamine's rows begin at row 1 but its columns at the first used column (sheet.start):
    # columns are matched by header, so only the row numbers need to stay true to Excel.
    total = sheet.end[0] + 1 if sheet.end is not None else 0
    # The sheet is parsed whole by get_sheet_by_name; iterating it reads memory, it cannot fail.
    return SheetSource(name=name, total=total, rows=iter(sheet.iter_rows()))


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


# --- Text: CSV and HTML tables ----------------------------------------------------------------


def decode_text(path: Path, data: bytes) -> str:
    """Text of a CSV/HTML file: BOM first, then strict UTF-8, then GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise bad_file(path, "的文字编码无法识别（既不是 UTF-8，也不是 GBK）。请另存为 .xlsx 再导入。")


_DELIMITERS = (",", "\t", ";")


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines most consistently into more than one field."""
    sample = [line for line in text[:65536].splitlines()[:30] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        counts = [len(fields) for fields in csv.reader(sample, delimiter=delimiter)]
        multi = [n for n in counts if n > 1]
        if not multi:
            continue
        common = max(set(multi), key=multi.count)
        score = (multi.count(common), common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def csv_sheet(path: Path) -> SheetSource:
    """The rows of a CSV (or tab/semicolon separated) file, whatever its Chinese encoding."""
    text = decode_text(path, read_bytes(path))
    delimiter = sniff_delimiter(text)
    total = text.count("\n") + (0 if text.endswith("\n") else 1)
    return SheetSource(name=path.stem, total=total, rows=_csv_rows(path, text, delimiter))


def _csv_rows(path: Path, text: str, delimiter: str) -> Iterator[Sequence[object]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:
        raise bad_file(path, f"第 {reader.line_num} 行无法按 CSV 读取（{exc}）。") from None


class _TableRows(HTMLParser):
    """Rows of the tables in an HTML page ("xls" exports of web systems)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[object]] = []
        self._row: list[object] | None = None
        self._cell: list[str] | None = None
        self._span = 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self._end_row()
            self._row = []
        elif tag in ("td", "th"):
            self._end_cell()
            if self._row is None:
                self._row = []
            self._cell = []
            span = dict(attrs).get("colspan") or "1"
            self._span = int(span) if span.isdigit() else 1
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._end_cell()
        elif tag in ("tr", "table"):
            self._end_row()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def _end_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._row.extend([""] * (max(self._span, 1) - 1))
        self._cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self._row is not None:
            self.rows.append(self._row)
        self._row = None


def html_sheet(path: Path) -> SheetSource:
    """The rows of an HTML table saved under an Excel name."""
    parser = _TableRows()
    parser.feed(decode_text(path, read_bytes(path)))
    parser.close()
    parser._end_row()
    return SheetSource(name=path.stem, total=len(parser.rows), rows=iter(parser.rows))
