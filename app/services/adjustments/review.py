"""The difference review before a base change is submitted: old vs new, per person and in total."""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple, overload

from app.services.adjustments.importer import Stranger

# The stored keys a review reads, in DifferenceRow's order.
REVIEWED = ("account_no", "name", "old_base", "base", "old_monthly_amount", "monthly_amount")
ZERO = Decimal(0)
SLICE = 5_000  # rows sorted at once (see `_largest_first`)


class DifferenceRow(NamedTuple):
    """One person, old against new; made when asked for (see `ReviewRows`)."""

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


class ReviewRows(Sequence[DifferenceRow]):
    """The review's rows in order, each made when it is asked for, from six columns.

    A worker building 100,000 row objects set off the cycle collector's full passes, each
    walking every one of them with the interpreter lock held (the window stalled ~250 ms a
    pass); columns of text and Decimals (which the collector does not track) and the order as
    a list of ints leave it almost nothing to walk. A table shows a screenful at a time.
    """

    def __init__(self, columns: Sequence[Sequence[str | Decimal]], order: list[int]) -> None:
        self._columns, self._order = columns, order

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, index: int) -> DifferenceRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[DifferenceRow]: ...
    def __getitem__(self, index: int | slice) -> DifferenceRow | list[DifferenceRow]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        at = self._order[index]
        account, name, old_base, new_base, old_total, new_total = self._columns
        return DifferenceRow(
            str(account[at]),
            str(name[at]),
            Decimal(old_base[at]),
            Decimal(new_base[at]),
            Decimal(old_total[at]),
            Decimal(new_total[at]),
        )


@dataclass
class DifferenceReview:
    rows: Sequence[DifferenceRow]  # the largest change of 月缴存额 first, then of the base
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


def _money(texts: Sequence[str | None]) -> list[Decimal]:
    return [Decimal(text) if text else ZERO for text in texts]


def _largest_first(
    accounts: list[str],
    bases: tuple[list[Decimal], list[Decimal]],
    totals: tuple[list[Decimal], list[Decimal]],
) -> list[int]:
    """The rows' indexes, the largest change of 月缴存额 first, then of the base (in 分: ints
    compare fast), then by 个人账号. Sorted in slices merged by heapq: one `list.sort` of
    100,000 rows holds the interpreter lock throughout (a window drawn meanwhile stalls); a
    slice's sort and the merge do not. The keys are plain tuples of ints and text, which the
    collector stops tracking at its first look."""
    (old_base, new_base), (old_total, new_total) = bases, totals
    keyed = [
        (
            -int(abs(new_total[n] - old_total[n]) * 100),
            -int(abs(new_base[n] - old_base[n]) * 100),
            accounts[n],
            n,
        )
        for n in range(len(accounts))
    ]
    slices = [sorted(keyed[i : i + SLICE]) for i in range(0, len(keyed), SLICE)]
    return [key[-1] for key in heapq.merge(*slices)]


def build_review(
    columns: Sequence[Sequence[str | None]],
    missing: Sequence[Missing],
    strangers: Sequence[Stranger] = (),
) -> DifferenceReview:
    """From the list's checked rows as columns (REVIEWED's keys, row by row in each) and the
    paying people of the roster the list leaves out."""
    account, name, *money = columns
    accounts = [a or "" for a in account]
    old_base, new_base, old_total, new_total = (_money(c) for c in money)
    order = _largest_first(accounts, (old_base, new_base), (old_total, new_total))
    changed = sum(
        1
        for n in range(len(accounts))
        if old_base[n] != new_base[n] or old_total[n] != new_total[n]
    )
    return DifferenceReview(
        rows=ReviewRows(
            (accounts, [n or "" for n in name], old_base, new_base, old_total, new_total), order
        ),
        missing=list(missing),
        strangers=list(strangers),
        old_base_total=sum(old_base, ZERO),
        new_base_total=sum(new_base, ZERO),
        old_amount_total=sum(old_total, ZERO),
        new_amount_total=sum(new_total, ZERO),
        changed=changed,
    )
