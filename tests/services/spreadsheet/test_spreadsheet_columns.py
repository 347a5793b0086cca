"""A column converted at once gives exactly what converting its cells one by one gives."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.services.spreadsheet import ColumnKind
from app.services.spreadsheet.values import cell_text, column_texts

# What clerks' files put in cells: plain and padded text, full-width digits and spaces, the
# marks cell_text looks at closely (=, ', +, Excel's ="0123"), separators, numbers, dates.
_PIECES = ["张三", "410202199001011234", " 13912345678 ", "１２３", "\u3000李四\u3000", "大学本科"]
_PIECES += ["'0012", '="0123"', "4.10203E+17", "a+b", "x\x1fy", "\x1c", "2024/1/5", "", " "]
_TEXT = st.one_of(st.sampled_from(_PIECES), st.text(max_size=6))
_CELL = st.one_of(
    _TEXT,
    st.floats(allow_nan=False),
    st.integers(-(10**17), 10**17),
    st.dates(),
    st.datetimes(),
    st.none(),
    st.booleans(),
)


def _one_by_one(cells: list[object], kind: ColumnKind) -> tuple[list[str], list[str | None]]:
    found = [cell_text(cell, kind) for cell in cells]
    return [text for text, _ in found], [message for _, message in found]


@settings(max_examples=300, derandomize=True)
@given(
    st.one_of(st.lists(_TEXT, min_size=1, max_size=8), st.lists(_CELL, min_size=1, max_size=8)),
    st.sampled_from(list(ColumnKind)),
)
def test_column_as_cells(cells: list[object], kind: ColumnKind) -> None:
    texts, messages = column_texts(cells, kind)

    expected_texts, expected_messages = _one_by_one(cells, kind)
    assert list(texts) == expected_texts
    assert list(messages or [None] * len(cells)) == expected_messages


@pytest.mark.parametrize(
    "cells",
    [
        [date(2024, 1, 5), date(2023, 12, 31)],  # a date column as Excel keeps it
        [datetime(2024, 1, 5, 8, 30), date(2024, 1, 6)],  # a datetime is no date here
        ["张三", "李\u3000四", "ＡＢ１"],  # full-width letters, digits and spaces folded
        ["4.10203E+17", "410202199001011234"],  # an ID Excel mangled: its message kept
    ],
)
@pytest.mark.parametrize("kind", [ColumnKind.TEXT, ColumnKind.DATE, ColumnKind.CHOICE])
def test_columns_clerks_send(cells: list[object], kind: ColumnKind) -> None:
    texts, messages = column_texts(cells, kind)

    assert (list(texts), list(messages or [None] * len(cells))) == _one_by_one(cells, kind)


def test_an_empty_column() -> None:
    assert column_texts([], ColumnKind.TEXT) == ([], None)
