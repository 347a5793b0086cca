"""What an action changed, so that every view showing it can refresh itself (no Qt here).

A service result says what it touched; the window passes it to one signal (`app.views.changes`)
and each page decides whether it cares. Anki's `OpChanges` is the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Changes:
    """Which kinds of data an action changed."""

    outbox: bool = False  # submissions queued, sent, failed (upload states)
    reviews: bool = False  # review states pulled from the centre, or a submission reopened
    roster: bool = False  # the unit's employees (the local roster cache)
    pending: frozenset[str] = field(default_factory=frozenset)  # 清册 of these businesses
    unit: bool = False  # the current unit, its login, profile or policy
    queued: bool = False  # new work went into the outbox: worth a sync now

    def __bool__(self) -> bool:
        return (
            self.outbox
            or self.reviews
            or self.roster
            or bool(self.pending)
            or self.unit
            or self.queued
        )

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            outbox=self.outbox or other.outbox,
            reviews=self.reviews or other.reviews,
            roster=self.roster or other.roster,
            pending=self.pending | other.pending,
            unit=self.unit or other.unit,
            queued=self.queued or other.queued,
        )

    @property
    def submissions(self) -> bool:
        """Anything a 查询 page or a count of submissions shows."""
        return self.outbox or self.reviews or self.queued


EVERYTHING = Changes(outbox=True, reviews=True, roster=True, unit=True, queued=True)
