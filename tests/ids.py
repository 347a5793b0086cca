"""Valid ID numbers for tests, computed from GB 11643 itself — never from the product's code."""

from __future__ import annotations

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def gb11643(first17: str) -> str:
    """The check character of the first 17 digits (weighted sum mod 11, the standard's table)."""
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def resident_id(first17: str) -> str:
    """A full 18-character resident ID number from its first 17 digits."""
    return first17 + gb11643(first17)
