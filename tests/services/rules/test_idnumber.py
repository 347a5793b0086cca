"""ID numbers: the resident ID by GB 11643, legacy 15-digit numbers, Excel damage, other types.

Check digits are computed here from the standard's weights and table, independently of the
implementation (which delegates to stdnum).
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from app.errors import BadInputError
from app.services.rules.idnumber import (
    PROVINCES,
    IdType,
    check_id,
    check_resident_id,
    mask_id,
)

TODAY = date(2026, 6, 15)
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def check_char(first17: str) -> str:
    """GB 11643-1999: weighted sum mod 11 looked up in the standard's table."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def make_id(region: str = "410203", born: str = "19900101", seq: str = "123") -> str:
    first17 = region + born + seq
    return first17 + check_char(first17)


def test_own_check_digit_matches_a_published_example() -> None:
    # The example printed in GB 11643-1999's appendix.
    assert check_char("11010519491231002") == "X"


def test_valid_18_digit_number() -> None:
    number = make_id("410203", "19900101", "123")
    result = check_resident_id(number, TODAY)
    assert result.valid
    assert result.message is None
    assert result.normalized == number
    assert result.birth_date == date(1990, 1, 1)
    assert result.sex == "男"  # 3 is odd
    assert result.province == "河南省"
    assert result.require_valid() == number


def test_sex_from_the_17th_digit() -> None:
    assert check_resident_id(make_id(seq="124"), TODAY).sex == "女"
    assert check_resident_id(make_id(seq="001"), TODAY).sex == "男"


def test_x_check_digit_lower_case_and_spaces() -> None:
    number = "11010519491231002X"
    result = check_resident_id(" 110105 19491231 002x ", TODAY)
    assert result.valid
    assert result.normalized == number
    assert result.province == "北京市"
    assert result.sex == "女"


def test_full_width_digits_tab_and_text_prefix() -> None:
    number = make_id("410203", "19851231", "456")
    full_width = number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert check_resident_id(full_width, TODAY).normalized == number
    assert check_resident_id("\t" + number + "\u3000", TODAY).normalized == number
    assert check_resident_id("'" + number, TODAY).normalized == number


def test_real_county_missing_from_stdnum_table_is_only_a_warning() -> None:
    # 浦东新区 310115 for someone born in 1980: stdnum's own validate() rejects this.
    number = make_id("310115", "19800101", "001")
    result = check_resident_id(number, TODAY)
    assert result.valid
    assert result.province == "上海市"
    assert any("310115" in w and "核对" in w for w in result.warnings)


def test_known_county_has_no_warning() -> None:
    assert check_resident_id(make_id("410203"), TODAY).warnings == ()


@pytest.mark.parametrize("code", ["71", "81", "82"])
def test_taiwan_hongkong_macau_province_codes(code: str) -> None:
    result = check_resident_id(make_id(code + "0000"), TODAY)
    assert result.valid
    assert result.province == PROVINCES[code]


def test_province_table_has_the_34_province_level_codes() -> None:
    assert len(PROVINCES) == 34
    assert PROVINCES["41"] == "河南省"
    assert "83" not in PROVINCES


def test_legacy_15_digit_number_becomes_18() -> None:
    legacy = "410203900101123"  # region 410203, born 900101, sequence 123
    expected = make_id("410203", "19900101", "123")
    result = check_resident_id(legacy, TODAY)
    assert result.valid
    assert result.normalized == expected
    assert result.birth_date == date(1990, 1, 1)
    assert any("15位" in w for w in result.warnings)


def test_legacy_number_from_a_float_cell() -> None:
    expected = make_id("410203", "19900101", "123")
    assert check_resident_id(410203900101123.0, TODAY).normalized == expected
    assert check_resident_id("410203900101123.0", TODAY).normalized == expected


def test_legacy_with_a_letter() -> None:
    result = check_resident_id("41020390010112X", TODAY)
    assert not result.valid
    assert result.message is not None and "15位" in result.message


@pytest.mark.parametrize(
    "value",
    [
        "1.10101E+17",
        "4.10203199001011E+17",
        "4.102031990010110E17",
        "4.10203e+17",
        4.10203199001011e17,
    ],
)
def test_excel_scientific_notation(value: str | float) -> None:
    result = check_resident_id(value, TODAY)
    assert not result.valid
    assert result.message is not None
    assert "科学计数法" in result.message
    assert "文本" in result.message


def assert_invalid(value: str, *words: str) -> None:
    result = check_resident_id(value, TODAY)
    assert not result.valid
    assert result.normalized is None
    assert result.message is not None
    for word in words:
        assert word in result.message, (word, result.message)
    with pytest.raises(BadInputError):
        result.require_valid()


def test_wrong_check_digit() -> None:
    number = make_id()
    wrong = "0" if number[-1] != "0" else "1"
    assert_invalid(number[:-1] + wrong, "校验码")


def test_wrong_length() -> None:
    assert_invalid(make_id()[:-1], "18位", "17位")
    assert_invalid(make_id() + "1", "19位")
    assert_invalid("4102", "4位")


def test_empty() -> None:
    assert_invalid("", "为空")
    assert_invalid("  \u3000", "为空")


def test_bad_characters() -> None:
    assert_invalid("41020319900101-123", "字符", "-")
    assert_invalid("41020319900101A123", "前17位")
    assert_invalid("41020319900101123Y", "最后一位")


def test_unknown_province() -> None:
    assert_invalid(make_id("990203"), "前两位", "99")
    assert_invalid(make_id("830000"), "前两位", "83")


def test_impossible_birth_date() -> None:
    assert_invalid(make_id(born="19900231"), "出生日期", "19900231", "不是有效日期")
    assert_invalid(make_id(born="19901301"), "出生日期")


def test_birth_date_in_the_future_or_before_1900() -> None:
    assert_invalid(make_id(born="20260616"), "晚于今天")
    assert check_resident_id(make_id(born="20260615"), TODAY).valid
    assert_invalid(make_id(born="18991231"), "1900")


def test_several_problems_reported_together() -> None:
    first17 = "99020319900231123"
    wrong = "0" if check_char(first17) != "0" else "1"
    assert_invalid(first17 + wrong, "前两位", "出生日期", "校验码")


def test_messages_do_not_carry_the_full_number() -> None:
    number = make_id()
    broken = number[:-1] + ("0" if number[-1] != "0" else "1")
    message = check_resident_id(broken, TODAY).message
    assert message is not None and broken not in message


def test_mask_id() -> None:
    assert mask_id("410203199001011234") == "4102**********1234"
    assert mask_id("41020319900101123x") == "4102**********123X"
    assert mask_id("H12345678") == "H*******8"
    assert mask_id("ab") == "**"
    assert mask_id("") == ""
    assert mask_id(None) == ""


# --- properties --------------------------------------------------------------------------

regions = st.sampled_from(["110101", "410203", "310115", "440305", "650102", "810000"])
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
sequences = st.integers(0, 999).map(lambda n: f"{n:03d}")


@given(regions, birth_dates, sequences)
def test_any_valid_first17_with_its_check_digit_validates(
    region: str, born: date, seq: str
) -> None:
    number = make_id(region, born.strftime("%Y%m%d"), seq)
    result = check_resident_id(number, TODAY)
    assert result.valid, result.message
    assert result.birth_date == born
    assert result.sex == ("男" if int(seq[-1]) % 2 else "女")


@given(regions, birth_dates, sequences, st.integers(0, 17), st.integers(1, 10))
def test_any_single_character_change_is_caught(
    region: str, born: date, seq: str, position: int, shift: int
) -> None:
    number = make_id(region, born.strftime("%Y%m%d"), seq)
    alphabet = "0123456789X" if position == 17 else "0123456789"
    old = alphabet.index(number[position])
    new = alphabet[(old + shift) % len(alphabet)]
    assume(new != number[position])
    changed = number[:position] + new + number[position + 1 :]
    assert not check_resident_id(changed, TODAY).valid


@given(regions, birth_dates, sequences, st.integers(0, 16))
def test_swapping_adjacent_different_digits_is_caught(
    region: str, born: date, seq: str, position: int
) -> None:
    number = make_id(region, born.strftime("%Y%m%d"), seq)
    assume(number[position] != number[position + 1] and number[position + 1] != "X")
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    assert not check_resident_id(swapped, TODAY).valid


# --- other ID types ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("id_type", "number"),
    [
        (IdType.PASSPORT, "E12345678"),
        (IdType.PASSPORT, "g1234567"),
        (IdType.PASSPORT, "AB12345"),
        (IdType.HK_MACAU_PASS, "H12345678"),
        (IdType.HK_MACAU_PASS, "m1234567890"),
        (IdType.TAIWAN_PASS, "12345678"),
        (IdType.FOREIGN_PERMANENT_RESIDENCE, "USA110079010101"),
        (IdType.OTHER, "军字第(2020)-123"),
        (IdType.OTHER, "南字第123456号"),
    ],
)
def test_other_types_valid(id_type: IdType, number: str) -> None:
    result = check_id(id_type, number, TODAY)
    assert result.valid, result.message
    assert result.id_type is id_type
    assert result.normalized == number.upper()


def test_other_type_rejects_symbols() -> None:
    result = check_id(IdType.OTHER, "12@34", TODAY)
    assert not result.valid
    assert result.message is not None and "只能包含" in result.message


def test_new_foreign_permanent_residence_card() -> None:
    # 9 + issuing province 11 + nationality 840 + birth date + sequence + GB 11643 check.
    first17 = "911840" + "19850704" + "001"
    number = first17 + check_char(first17)
    result = check_id(IdType.FOREIGN_PERMANENT_RESIDENCE, number, TODAY)
    assert result.valid
    assert result.birth_date == date(1985, 7, 4)
    wrong = "0" if number[-1] != "0" else "1"
    bad = check_id(IdType.FOREIGN_PERMANENT_RESIDENCE, number[:-1] + wrong, TODAY)
    assert not bad.valid and bad.message is not None and "校验码" in bad.message


@pytest.mark.parametrize("region", ["810000", "820000", "830000"])
def test_hmt_residence_permit(region: str) -> None:
    number = make_id(region, "19921111", "022")
    result = check_id("港澳台居民居住证", number, TODAY)
    assert result.valid
    assert result.sex == "女"


@pytest.mark.parametrize(
    ("id_type", "number", "words"),
    [
        (IdType.PASSPORT, "E12", "5–17位"),
        (IdType.PASSPORT, "ABCDEFGH", "含数字"),
        (IdType.PASSPORT, "E1234567890123456789", "5–17位"),
        (IdType.HK_MACAU_PASS, "X12345678", "H或M"),
        (IdType.HK_MACAU_PASS, "H123456789", "8位或10位"),
        (IdType.TAIWAN_PASS, "1234567", "8位数字"),
        (IdType.TAIWAN_PASS, "A1234567", "8位数字"),
        (IdType.FOREIGN_PERMANENT_RESIDENCE, "US1100790101011", "3位字母加12位数字"),
        (IdType.FOREIGN_PERMANENT_RESIDENCE, "410203199001011234", "9开头"),
        (IdType.HMT_RESIDENCE_PERMIT, "410203199001011234", "81"),
        (IdType.HMT_RESIDENCE_PERMIT, "8100001992111102", "18位"),
        (IdType.HMT_RESIDENCE_PERMIT, "810000" + "19921131" + "0220", "出生日期"),
        (IdType.OTHER, "", "为空"),
        (IdType.OTHER, "1" * 31, "30位"),
    ],
)
def test_other_types_invalid(id_type: IdType, number: str, words: str) -> None:
    result = check_id(id_type, number, TODAY)
    assert not result.valid
    assert result.message is not None and words in result.message, result.message


def test_hmt_permit_checksum() -> None:
    number = make_id("810000", "19921111", "022")
    wrong = "0" if number[-1] != "0" else "1"
    result = check_id(IdType.HMT_RESIDENCE_PERMIT, number[:-1] + wrong, TODAY)
    assert not result.valid and result.message is not None and "校验码" in result.message


def test_check_id_resident_goes_through_the_full_check() -> None:
    assert check_id("居民身份证", make_id(), TODAY).valid
    assert check_id("身份证", make_id(), TODAY).province == "河南省"
    result = check_id(IdType.RESIDENT_ID, "1.10101E+17", TODAY)
    assert result.message is not None and "科学计数法" in result.message


def test_excel_damage_on_other_types() -> None:
    result = check_id(IdType.TAIWAN_PASS, 1.2345678e7 + 0.5, TODAY)
    assert not result.valid and result.message is not None and "科学计数法" in result.message


def test_id_type_parse() -> None:
    assert IdType.parse("台胞证") is IdType.TAIWAN_PASS
    assert IdType.parse("护照") is IdType.PASSPORT
    assert IdType.parse("PASSPORT") is IdType.PASSPORT
    with pytest.raises(BadInputError, match="驾驶证"):
        IdType.parse("驾驶证")
    with pytest.raises(BadInputError):
        check_id("驾驶证", "123", TODAY)


def test_id_type_values_are_the_policy_names() -> None:
    assert [t.value for t in IdType] == [
        "居民身份证",
        "护照",
        "港澳居民来往内地通行证",
        "台湾居民来往大陆通行证",
        "外国人永久居留身份证",
        "港澳台居民居住证",
        "其他",
    ]
