"""The difference review before a base change is submitted: old vs new, per person and in total."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from app.services.adjustments.importer import Stranger
from app.services.engine.spec import Roster

PAYING = "正常"
ZERO = Decimal(0)
SLICE = 5_000  # rows sorted at once (see `_largest_first`)


@dataclass(frozen=True)
class DifferenceRow:
    account_no: str
    name: str
    old_base: Decimal
    new_base: Decimal
    old_total: Decimal
    new_total: Decimal

    @property
    def base_change(self) -> Decimal:
        return self.new_base - self.old_base

    @property
    def total_change(self) -> Decimal:
        return self.new_total - self.old_total

    @property
    def changed(self) -> bool:
        return self.new_base != self.old_base or self.new_total != self.old_total


@dataclass(frozen=True)
class Missing:
    """A paying person of the roster the file left out (their base stays as it is)."""

    account_no: str
    name: str


@dataclass
class DifferenceReview:
    rows: list[DifferenceRow]  # the largest change of 月缴存额 first, then of the base
    missing: list[Missing] = field(default_factory=list)
    strangers: list[Stranger] = field(default_factory=list)
    old_base_total: Decimal = ZERO
    new_base_total: Decimal = ZERO
    old_amount_total: Decimal = ZERO
    new_amount_total: Decimal = ZERO
    changed: int = 0

    @property
    def unchanged(self) -> int:
        return len(self.rows) - self.changed

    def summary(self) -> str:
        """One sentence for the top of the review and the command line."""
        return (
            f"共 {len(self.rows)} 人：调整 {self.changed} 人，未变化 {self.unchanged} 人；"
            f"缴存基数合计 {self.old_base_total:,.2f} → {self.new_base_total:,.2f}，"
            f"月缴存额合计 {self.old_amount_total:,.2f} → {self.new_amount_total:,.2f}"
            f"（{self.new_amount_total - self.old_amount_total:+,.2f}）"
        )


def _money(values: Mapping[str, str], key: str) -> Decimal:
    text = values.get(key) or ""
    return Decimal(text) if text else ZERO


def _order(row: DifferenceRow) -> tuple[int, int, str]:
    """The largest change of 月缴存额 first, then of the base (in 分: ints compare fast)."""
    return (-int(abs(row.total_change) * 100), -int(abs(row.base_change) * 100), row.account_no)


def _largest_first(rows: list[DifferenceRow]) -> list[DifferenceRow]:
    """Sorted in slices merged by heapq: one `list.sort` of 100,000 rows holds the interpreter
    lock throughout (a window drawn meanwhile stalls); a slice's sort and the merge do not."""
    keyed = [(_order(row), n, row) for n, row in enumerate(rows)]
    slices = [sorted(keyed[i : i + SLICE]) for i in range(0, len(keyed), SLICE)]
    return [row for _key, _n, row in heapq.merge(*slices)]


def build_review(
    rows: Iterable[Mapping[str, str]], roster: Roster, strangers: Sequence[Stranger] = ()
) -> DifferenceReview:
    """From the list's checked rows (old and new figures derived) and the unit's roster."""
    found = [
        DifferenceRow(
            values.get("account_no", ""),
            values.get("name", ""),
            _money(values, "old_base"),
            _money(values, "base"),
            _money(values, "old_monthly_amount"),
            _money(values, "monthly_amount"),
        )
        for values in rows
    ]
    found = _largest_first(found)
    listed = {r.account_no for r in found}
    review = DifferenceReview(
        rows=found,
        missing=[
            Missing(p.account_no, p.name)
            for p in roster.entries
            if p.status == PAYING and p.account_no not in listed
        ],
        strangers=list(strangers),
    )
    for row in found:
        review.old_base_total += row.old_base
        review.new_base_total += row.new_base
        review.old_amount_total += row.old_total
        review.new_amount_total += row.new_total
        review.changed += row.changed
    return review
