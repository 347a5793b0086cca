"""SpreadsheetML 2003 ("XML 电子表格 2003"): the ".xls" many web systems and WPS export.

An XML file, so it is parsed with the standard library's expat, hardened: a document type
declaration (the only place entities can be defined) is refused, so no entity is ever expanded
and nothing outside the file is fetched. The file's size was capped before it got here, like
every other format's; row and column numbers are capped at Excel's own limits.

Cells come out as calamine gives them (numbers as float, dates as datetime), so the rest of the
reader treats this format exactly like the others.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from xml.parsers import expat

from app.errors import BadInputError
from app.services.spreadsheet.sources import SheetSource, bad_file, read_bytes

NAMESPACE = "urn:schemas-microsoft-com:office:spreadsheet"
MAX_ROWS = 1_048_576  # Excel's own limits: anything past them is no sheet a clerk made
MAX_COLUMNS = 16_384
_SEP = "|"
_SS = NAMESPACE + _SEP
_WORKSHEET, _ROW, _CELL, _DATA = (_SS + n for n in ("Worksheet", "Row", "Cell", "Data"))
_INDEX, _TYPE, _NAME = (_SS + n for n in ("Index", "Type", "Name"))
_ACROSS, _DOWN = _SS + "MergeAcross", _SS + "MergeDown"
_DECLARED = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


class _RefusedError(Exception):
    """Raised from a handler: the file holds something a spreadsheet never needs."""


def _text_of(path: Path, data: bytes) -> bytes:
    """The document as UTF-8 (expat itself knows no Chinese encodings), declaration kept."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        declared = _DECLARED.match(data.lstrip())
        encoding = declared.group(1).decode("ascii").lower() if declared else "utf-8"
        if encoding.replace("-", "").replace("_", "") in ("utf8", "usascii", "ascii"):
            return data
        if encoding in ("gb2312", "gbk"):
            encoding = "gb18030"  # a superset: what the file really holds
    try:
        return data.decode(encoding).encode("utf-8")
    except (LookupError, UnicodeDecodeError):
        raise bad_file(path, f"的文字编码（{encoding}）无法识别。请另存为 .xlsx 再导入。") from None


class _Workbook:
    """Expat handlers that collect each worksheet's rows, sparse, by Excel row number."""

    def __init__(self) -> None:
        self.sheets: list[tuple[str, dict[int, list[object]]]] = []
        self._rows: dict[int, list[object]] | None = None
        self._row_number = 0
        self._row: list[object] | None = None
        self._column = 1  # 1-based column of the cell being read
        self._next_column = 1
        self._merged_down: dict[int, set[int]] = {}  # row -> columns a cell above covers
        self._cell_type: str | None = None
        self._text: list[str] | None = None

    @staticmethod
    def _index(attrs: dict[str, str], limit: int, what: str) -> int | None:
        value = attrs.get(_INDEX)
        if value is None:
            return None
        if not value.isdigit() or not 1 <= int(value) <= limit:
            raise _RefusedError(f"{what}号 {value} 超出了 Excel 的范围")
        return int(value)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        # Called for every element of a file that may hold a million cells: cells first.
        if name == _DATA:
            if self._row is not None:
                self._cell_type = attrs.get(_TYPE, "String")
                self._text = []
        elif name == _CELL:
            if self._row is not None:
                if attrs or self._merged_down:
                    self._start_cell(attrs)
                else:
                    self._next_column = self._column + 1
        elif name == _ROW:
            if self._rows is not None:
                self._start_row(attrs)
        elif name == _WORKSHEET:
            self._rows = {}
            self._row_number = 0
            self._merged_down = {}
            self.sheets.append((attrs.get(_NAME, f"Sheet{len(self.sheets) + 1}"), self._rows))

    def _start_row(self, attrs: dict[str, str]) -> None:
        assert self._rows is not None
        self._row_number = self._index(attrs, MAX_ROWS, "行") or self._row_number + 1
        if self._row_number > MAX_ROWS:
            raise _RefusedError(f"行数超过了 Excel 的上限 {MAX_ROWS} 行")
        self._row = self._rows.setdefault(self._row_number, [])
        self._column = 1

    def _start_cell(self, attrs: dict[str, str]) -> None:
        column = self._index(attrs, MAX_COLUMNS, "列") or self._column
        covered = self._merged_down.get(self._row_number, set())
        while column in covered:
            column += 1
        across = _span(attrs.get(_ACROSS))
        down = _span(attrs.get(_DOWN))
        if column + across > MAX_COLUMNS:
            raise _RefusedError(f"列数超过了 Excel 的上限 {MAX_COLUMNS} 列")
        for below in range(self._row_number + 1, min(self._row_number + down, MAX_ROWS) + 1):
            self._merged_down.setdefault(below, set()).update(range(column, column + across + 1))
        self._column = column
        self._next_column = column + across + 1

    def end(self, name: str) -> None:
        if name == _DATA:
            if self._text is not None and self._row is not None:
                row = self._row
                if len(row) < self._column - 1:
                    row.extend([""] * (self._column - 1 - len(row)))
                row.append(_value("".join(self._text), self._cell_type or "String"))
                self._text = None
        elif name == _CELL:
            self._column = self._next_column
        elif name == _ROW:
            self._row = None
        elif name == _WORKSHEET:
            self._rows = None

    def data(self, text: str) -> None:
        if self._text is not None:
            self._text.append(text)


def _span(value: str | None) -> int:
    return int(value) if value is not None and value.isdigit() else 0


def _value(text: str, cell_type: str) -> object:
    """A cell's value typed the way calamine types the same cell of an .xlsx."""
    if cell_type == "String":
        return text
    if cell_type == "Number":
        try:
            return float(text)
        except ValueError:
            return text
    if cell_type == "DateTime":
        try:
            return datetime.fromisoformat(text.rstrip("Z"))
        except ValueError:
            return text
    if cell_type == "Boolean":
        return text.strip() in ("1", "true", "TRUE")
    return text


def _refuse_doctype(*_args: object) -> None:
    raise _RefusedError("含有文档类型声明（DOCTYPE），出于安全考虑不予读取")


def xml_sheets(path: Path) -> Iterator[SheetSource]:
    """Each worksheet of a SpreadsheetML 2003 file; BadInputError when it cannot be read."""
    workbook = _parse(path, _text_of(path, read_bytes(path)))
    if not workbook.sheets:
        raise bad_file(path, "是“XML 电子表格 2003”格式，但其中没有任何工作表。")
    for name, rows in workbook.sheets:
        last = max(rows, default=0)
        yield SheetSource(name=name, total=last, rows=_dense(rows, last))


def _parse(path: Path, document: bytes) -> _Workbook:
    workbook = _Workbook()
    parser = expat.ParserCreate(encoding="UTF-8", namespace_separator=_SEP)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    parser.StartElementHandler = workbook.start
    parser.EndElementHandler = workbook.end
    parser.CharacterDataHandler = workbook.data
    parser.buffer_text = True
    try:
        parser.Parse(document, True)
    except _RefusedError as refused:
        raise bad_file(path, f"（XML 电子表格）{refused}。") from None
    except expat.ExpatError as exc:
        raise _damaged(path, exc) from None
    return workbook


def _damaged(path: Path, exc: expat.ExpatError) -> BadInputError:
    return bad_file(
        path,
        f"是“XML 电子表格 2003”格式，但内容不完整或已损坏（第 {exc.lineno} 行附近：{exc}）。"
        "请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入。",
    )


def _dense(rows: dict[int, list[object]], last: int) -> Iterator[Sequence[object]]:
    """Rows from Excel row 1 to the last, the ones the file skipped given as empty."""
    for number in range(1, last + 1):
        yield rows.get(number, ())
