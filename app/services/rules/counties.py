"""County codes of resident ID numbers: in use in the birth year, by stdnum's table.

An unknown county is only a warning (MACHINE-NOTES.md): the table misses real codes.
"""

from __future__ import annotations

import functools

from stdnum import numdb


def county_warning(number: str) -> str | None:
    """A warning when an 18-digit number's county code was not in use in its birth year."""
    # Only the region code and the birth year count; a batch shares a few hundred such pairs.
    return _county_warning_for(number[:10])


@functools.lru_cache(maxsize=16384)
def _county_warning_for(region_and_year: str) -> str | None:
    """The warning for a county code that was not in use in the birth year, or None.

    stdnum's lookup (`ric.get_birth_place`) searches its table each time (≈0.5 ms, and people
    born over 40 years ask it 40 times per region), so the table is read once per region code
    and the year judged here as stdnum judges it (a test compares the two on every region).
    """
    year = int(region_and_year[6:])
    for start, end in _county_years(region_and_year[:6]):
        if start <= year <= end:
            return None
    return (
        f"地区码 {region_and_year[:6]} 不在已知的县级行政区划表中（可能是撤并前的旧代码），"
        "请与证件核对"
    )


@functools.lru_cache(maxsize=8192)
def _county_years(region: str) -> tuple[tuple[int, int], ...]:
    """The years each county stdnum knows under a region code was in use, () if none.

    stdnum writes "名字" for a county in use in any year and "[1983-2010]名字" (either end may
    be open) for one in use for a time; the first county in use in the year makes it valid.
    """
    found = numdb.get("cn/loc").info(region)
    info = {key: value for _part, props in found for key, value in props.items()}
    spans: list[tuple[int, int]] = []
    for county in filter(None, info.get("county", "").split(",")):
        if not county.startswith("["):
            spans.append((0, 9999))
            break
        start, end = county[1:].split("]")[0].split("-")
        spans.append((int(start or 0), int(end or 9999)))
    return tuple(spans)
