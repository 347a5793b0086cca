"""The rules' fast paths and caches give what the full checks give, every time they are asked."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.errors import BadInputError
from app.services.rules.contribution import base_for_total, part_amount
from app.services.rules.counties import county_warning
from app.services.rules.idnumber import check_resident_id
from app.services.rules.money import parse_money, parse_ratio
from app.services.rules.rounding import RoundingMethod
from app.services.rules.text import check_name
from app.services.rules.yearmonth import YearMonth

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("5000", "5000.00"), ("5000.5", "5000.50"), (".5", "0.50"), ("5000.", "5000.00")],
)
def test_plain_money_text_reads_as_before(text: str, expected: str) -> None:
    assert str(parse_money(text)) == expected
    assert str(parse_money(f" ￥{text} 元")) == expected  # the full path agrees


def test_a_cached_ratio_is_the_same_each_time_and_errors_are_never_remembered() -> None:
    assert parse_ratio("12%") == parse_ratio("12%") == parse_ratio(12) == Decimal("0.12")
    for _ in range(2):
        with pytest.raises(BadInputError, match="单位缴存比例“abc”不是有效的比例"):
            parse_ratio("abc", what="单位缴存比例")
    with pytest.raises(BadInputError, match="个人缴存比例"):
        parse_ratio("abc", what="个人缴存比例")  # the message names the field asked about


def test_a_cached_month_is_the_same_each_time_and_errors_are_never_remembered() -> None:
    assert YearMonth.parse("2026-11") is YearMonth.parse("2026-11")
    assert YearMonth.parse("2026-11") == YearMonth(2026, 11)
    for _ in range(2):
        with pytest.raises(BadInputError, match="月份 13"):
            YearMonth.parse("2026-13")


def test_part_amounts_are_remembered_by_value_with_the_rounding_units_exponent() -> None:
    fen = RoundingMethod.HALF_UP_FEN
    first = part_amount(Decimal("5000"), Decimal("0.12"), fen)
    again = part_amount(Decimal("5000.00"), Decimal("0.120"), fen)
    assert str(first) == str(again) == "600.00"
    assert str(part_amount(Decimal("5000.00"), Decimal("0.12"), RoundingMethod.HALF_UP_YUAN)) == (
        "600"
    )
    with pytest.raises(TypeError):
        part_amount(5000.0, Decimal("0.12"), fen)  # type: ignore[arg-type]


def test_the_base_for_an_amount_is_remembered_but_the_preferred_base_is_each_persons() -> None:
    fen, twelve = RoundingMethod.HALF_UP_FEN, Decimal("0.12")
    plain = base_for_total(Decimal("1200.00"), twelve, twelve, fen)
    mine = base_for_total(Decimal("1200.00"), twelve, twelve, fen, prefer=Decimal("4999.99"))
    other = base_for_total(Decimal("1200.00"), twelve, twelve, fen, prefer=Decimal("4999.98"))
    assert plain.base == Decimal("5000.00") and (plain.lowest, plain.highest) == (
        Decimal("4999.96"),
        Decimal("5000.04"),
    )
    assert mine.base == Decimal("4999.99") and other.base == Decimal("4999.98")
    outside = base_for_total(Decimal("1200.00"), twelve, twelve, fen, prefer=Decimal("6000"))
    assert outside == plain
    for _ in range(2):  # a refusal is the same each time
        missed = base_for_total(Decimal("1200.01"), twelve, twelve, fen, prefer=Decimal("5000"))
        assert missed.base is None and (missed.below, missed.above) == (
            Decimal("1200.00"),
            Decimal("1200.02"),
        )


def _stdnum_regions() -> list[str]:
    """Every region code in stdnum's table (province lines, then their 4-digit children)."""
    import stdnum

    regions: list[str] = []
    province = ""
    table = Path(stdnum.__file__).parent / "cn" / "loc.dat"
    for line in table.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code = line.split()[0]
        if not line.startswith(" "):
            province = code
            regions.append(province + "0000")
        else:
            regions.append(province + code)
    return regions


def test_county_warnings_are_stdnums_verdict_for_any_region_and_year() -> None:
    from stdnum.cn import ric

    rng = random.Random(12)
    regions = [*rng.sample(_stdnum_regions(), 600), "410203", "310115", "999999", "410299"]
    for region in regions:
        for year in (1949, 1983, 1992, 2011):
            number = f"{region}{year}0101" + "0000"
            try:
                ric.get_birth_place(number)
                stdnum_warns = False
            except Exception:  # noqa: BLE001 - any refusal of stdnum's is a warning here
                stdnum_warns = True
            ours = county_warning(number)
            assert (ours is not None) == stdnum_warns, (region, year)
            if ours is not None:
                assert f"地区码 {region} 不在" in ours


def test_a_plain_typed_resident_id_gets_the_full_checks_verdict() -> None:
    class Typed(str):  # not exactly str: takes the full path
        pass

    rng = random.Random(3)
    numbers = ["11010119900307123x", "110101199003071233", "990101199003071233"]
    for _ in range(300):
        first17 = f"{rng.choice(['410203', '310115', '650102', '110105'])}"
        first17 += (
            f"{rng.randrange(1890, 2030)}{rng.randrange(1, 14):02d}{rng.randrange(0, 33):02d}"
        )
        first17 += f"{rng.randrange(1000):03d}"
        numbers += [first17 + rng.choice("0123456789X"), first17 + "x"]
    for number in numbers:
        fast = check_resident_id(number, TODAY)
        full = check_resident_id(Typed(number), TODAY)
        assert fast == full, number


def test_a_plain_chinese_name_gets_the_full_checks_verdict() -> None:
    class Typed(str):  # not exactly str: takes the full path
        pass

    rng = random.Random(5)
    ideographs = [chr(c) for c in (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000))]
    names = ["王伟", "欧阳娜娜", "王" * 20, "王" * 21, "王", "王伟1", "王 伟", "阿依·木拉提"]
    names += ["".join(rng.choices(ideographs, k=rng.randrange(1, 23))) for _ in range(2000)]
    for name in names:
        assert check_name(name) == check_name(Typed(name)), name
