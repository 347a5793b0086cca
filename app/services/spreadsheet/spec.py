"""Declarative description of a spreadsheet table: its columns, headers and template text."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class ColumnKind(StrEnum):
    """What a column holds; decides how cells are read and how the template formats them."""

    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"
    RATIO = "ratio"
    DATE = "date"
    CHOICE = "choice"


NUMERIC_KINDS = frozenset({ColumnKind.NUMBER, ColumnKind.MONEY, ColumnKind.RATIO})


@dataclass(frozen=True)
class ColumnSpec:
    """One column: `key` is the program's name, `header` the Chinese header the clerk sees."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    kind: ColumnKind = ColumnKind.TEXT
    choices: tuple[str, ...] = ()
    width: float = 14
    note: str = ""
    example: str = ""

    def __post_init__(self) -> None:
        # Accept plain strings ("text") as well as ColumnKind members.
        object.__setattr__(self, "kind", ColumnKind(self.kind))

    def header_names(self) -> tuple[str, ...]:
        """Every normalised name this column may be found under."""
        return _header_names(self.header, self.aliases, self.key)


@dataclass(frozen=True)
class TableSpec:
    """A whole table: its columns in template order, the sheet title and the 说明 text."""

    name: str
    columns: tuple[ColumnSpec, ...]
    sheet_title: str = "Sheet1"
    instructions: Sequence[str] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"duplicate column keys in table spec {self.name!r}")
        seen: dict[str, str] = {}
        for column in self.columns:
            for name in column.header_names():
                if seen.setdefault(name, column.key) != column.key:
                    raise ValueError(f"header {name!r} is ambiguous in table spec {self.name!r}")

    def column(self, key: str) -> ColumnSpec:
        """The column with this key (KeyError if there is none)."""
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def find_column(self, header: str) -> ColumnSpec | None:
        """The column a header text names (by header, alias or key), or None.

        A header with a bracketed unit or remark ("缴存基数（元）", "起缴年月(yyyymm)") is found
        by its name alone, unless the name with the bracket is itself one of the columns'.
        """
        wanted = normalise_header(header)
        found = self._find(wanted)
        if found is None:
            bare = _TRAILING_REMARK.sub("", wanted)
            if bare and bare != wanted:
                found = self._find(bare)
        return found

    def _find(self, wanted: str) -> ColumnSpec | None:
        return _names(self.columns).get(wanted)


@functools.lru_cache(maxsize=256)
def _names(columns: tuple[ColumnSpec, ...]) -> dict[str, ColumnSpec]:
    """Each normalised name -> its column, the first column holding it (as a scan finds it).

    Header matching asks for every cell of a sheet's first rows: normalising each column's
    names on every question took longer than calamine's parse of a 10,000-row file.
    """
    names: dict[str, ColumnSpec] = {}
    for column in columns:
        for name in column.header_names():
            names.setdefault(name, column)
    return names


@functools.lru_cache(maxsize=1024)
def _header_names(header: str, aliases: tuple[str, ...], key: str) -> tuple[str, ...]:
    normalised = (normalise_header(n) for n in (header, *aliases, key))
    return tuple(dict.fromkeys(n for n in normalised if n))


# Markers clerks and centres put on headers: "*姓名", "姓名*", "姓名（必填）", "姓名【必填】".
_HEADER_MARKERS = re.compile(r"[*※]|[(\[【〔]\s*(?:必填|选填|可选|非必填|必输|选输)\s*[)\]】〕]")
_WHITESPACE = re.compile(r"\s+")
# A remark in brackets at the end of a (normalised: NFKC made （） into ()) header: "(元)".
_TRAILING_REMARK = re.compile(r"(?:\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕)+$")


def normalise_header(text: object) -> str:
    """A header as compared: NFKC, no whitespace, no required/optional markers, case-folded."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFKC", str(text))
    value = _WHITESPACE.sub("", value.replace("\u200b", "").replace("\ufeff", ""))
    value = _HEADER_MARKERS.sub("", value)
    return value.strip(":").casefold()
