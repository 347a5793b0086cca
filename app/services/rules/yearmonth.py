"""`YearMonth`: a calendar month, the unit of 缴存 (起缴年月, 缴至年月, 核定月份)."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import overload

from app.errors import BadInputError

MIN_YEAR = 1900
MAX_YEAR = 2999

_COMPACT = re.compile(r"(\d{4})(\d{2})")
_SEPARATED = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")
# A full date typed as text ("2026-11-05", "2026年11月5日"): the month is what matters.
_WITH_DAY = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")

_HINT = "应写成 2026-11、202611、2026/11、2026.11 或 2026年11月"


@dataclass(frozen=True, order=True)
class YearMonth:
    """A month; ordered, hashable, and arithmetic in months (`ym + 1`, `b - a`)."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise BadInputError(f"年份 {self.year} 不在 {MIN_YEAR}–{MAX_YEAR} 之间", field="month")
        if not 1 <= self.month <= 12:
            raise BadInputError(f"月份 {self.month} 不在 1–12 之间", field="month")

    @classmethod
    def parse(cls, value: str | int | float | date | YearMonth) -> YearMonth:
        """Read what a clerk or a spreadsheet gives; BadInputError in Chinese otherwise."""
        if isinstance(value, YearMonth):
            return value
        if isinstance(value, date):
            return cls.from_date(value)
        if isinstance(value, bool):
            raise BadInputError(f"“{value}”不是有效的年月，{_HINT}", field="month")
        if isinstance(value, float):
            return cls._parse_float(value)
        if isinstance(value, int):
            return cls._parse_text(str(value), original=str(value))
        if isinstance(value, str):
            return _parse_str(value)
        raise BadInputError(f"“{value}”不是有效的年月，{_HINT}", field="month")

    @classmethod
    def _parse_float(cls, value: float) -> YearMonth:
        if value.is_integer():
            return cls._parse_text(str(int(value)), original=str(value))
        # Excel turns a typed 2026.10 into the number 2026.1: October or January? Refuse to guess.
        raise BadInputError(
            f"“{value}”是数字格式的年月，无法区分 1 月与 10 月；请把该列设为文本，{_HINT}",
            field="month",
        )

    @classmethod
    def _parse_text(cls, text: str, *, original: str) -> YearMonth:
        cleaned = unicodedata.normalize("NFKC", text).strip()
        for pattern in (_COMPACT, _SEPARATED, _WITH_DAY):
            match = pattern.fullmatch(cleaned)
            if match:
                year, month = int(match.group(1)), int(match.group(2))
                if not 1 <= month <= 12:
                    raise BadInputError(f"“{original}”的月份 {month} 不在 1–12 之间", field="month")
                if not MIN_YEAR <= year <= MAX_YEAR:
                    raise BadInputError(f"“{original}”的年份 {year} 不合理", field="month")
                if pattern is _WITH_DAY:
                    cls._check_day(year, month, int(match.group(3)), original)
                return cls(year, month)
        if not cleaned:
            raise BadInputError(f"年月为空，{_HINT}", field="month")
        raise BadInputError(f"“{original}”不是有效的年月，{_HINT}", field="month")

    @staticmethod
    def _check_day(year: int, month: int, day: int, original: str) -> None:
        try:
            date(year, month, day)
        except ValueError as exc:
            raise BadInputError(f"“{original}”不是有效的日期", field="month") from exc

    @classmethod
    def from_date(cls, day: date) -> YearMonth:
        return cls(day.year, day.month)

    @classmethod
    def today(cls, today: date | None = None) -> YearMonth:
        """The current month; pass `today` in tests."""
        return cls.from_date(today if today is not None else date.today())

    @property
    def index(self) -> int:
        """Months since year 0; differences of indexes are month counts."""
        return self.year * 12 + self.month - 1

    @classmethod
    def _from_index(cls, index: int) -> YearMonth:
        return cls(index // 12, index % 12 + 1)

    def next(self) -> YearMonth:
        return self + 1

    def prev(self) -> YearMonth:
        return self - 1

    def __add__(self, months: int) -> YearMonth:
        if not isinstance(months, int) or isinstance(months, bool):
            return NotImplemented
        return self._from_index(self.index + months)

    @overload
    def __sub__(self, other: int) -> YearMonth: ...

    @overload
    def __sub__(self, other: YearMonth) -> int: ...

    def __sub__(self, other: int | YearMonth) -> YearMonth | int:
        if isinstance(other, YearMonth):
            return self.index - other.index
        if not isinstance(other, int) or isinstance(other, bool):
            return NotImplemented
        return self._from_index(self.index - other)

    def months_until(self, other: YearMonth) -> int:
        """How many months from self to other (negative if other is earlier)."""
        return other.index - self.index

    @staticmethod
    def range(first: YearMonth, last: YearMonth) -> list[YearMonth]:
        """Every month from first to last, both included; empty if last is before first."""
        return [first + i for i in range(last - first + 1)]

    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def compact(self) -> str:
        """ "202611", the form servers and spreadsheets often use."""
        return f"{self.year:04d}{self.month:02d}"

    @property
    def label(self) -> str:
        """ "2026年11月", for the UI."""
        return f"{self.year}年{self.month}月"

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@functools.lru_cache(maxsize=4096)
def _parse_str(text: str) -> YearMonth:
    # A list's rows share a few months (调整年月, 起缴年月): each text is read once.
    return YearMonth._parse_text(text, original=text)
