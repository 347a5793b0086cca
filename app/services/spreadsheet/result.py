"""What reading a table gives back: rows by column key, and the problems found on the way."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CellProblem:
    """A problem with one cell (or one row, or the header row), told in Chinese.

    `row` is the row number as Excel shows it; `column` the spec's Chinese header ("" for a
    problem of the whole row); `key` the column's key when known, for the program's use.
    """

    row: int
    column: str
    value: str
    message: str
    key: str | None = None


@dataclass(frozen=True)
class SheetRow:
    """One data row: text values for every column of the spec ("" when absent or empty).

    `raw` holds the cell values as the file gave them, for the columns the file has.
    """

    row_number: int
    values: dict[str, str]
    raw: dict[str, object]


@dataclass
class ReadResult:
    """Rows read from a table and everything wrong with the file's layout or cells."""

    rows: list[SheetRow]
    header_row: int
    missing_required: list[str]
    unknown_headers: list[str]
    problems: list[CellProblem]
    skipped_example_rows: list[int] = field(default_factory=list)
    source_format: str = ""
    notes: list[str] = field(default_factory=list)  # what the clerk should know, in Chinese

    @property
    def ok(self) -> bool:
        """True when no required column is missing and no cell problem was found."""
        return not self.missing_required and not self.problems
