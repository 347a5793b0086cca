"""Spreadsheets the clerk brings and takes: reading any table by header, writing templates,
exports and error reports. Qt-free; values come out as text for the business rules to judge."""

from app.services.spreadsheet.reader import EXAMPLE_MARKER, read_table
from app.services.spreadsheet.result import CellProblem, ReadResult, SheetRow
from app.services.spreadsheet.sources import FileFormat, detect_format
from app.services.spreadsheet.spec import ColumnKind, ColumnSpec, TableSpec, normalise_header
from app.services.spreadsheet.writer import write_error_report, write_rows, write_template

__all__ = [
    "EXAMPLE_MARKER",
    "CellProblem",
    "ColumnKind",
    "ColumnSpec",
    "FileFormat",
    "ReadResult",
    "SheetRow",
    "TableSpec",
    "detect_format",
    "normalise_header",
    "read_table",
    "write_error_report",
    "write_rows",
    "write_template",
]
