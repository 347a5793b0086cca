"""A number read from a card is trusted only when it passes GB 11643 and agrees with the card."""

from __future__ import annotations

from datetime import date

from app.services.idcard.numbers import clean_number_text, judge_number
from tests.ids import resident_id

TODAY = date(2026, 11, 28)
GOOD = resident_id("41020319900307123")  # 1990-03-07, odd 17th digit: 男


def test_a_good_number_that_agrees_with_the_card_is_trusted() -> None:
    verdict = judge_number(GOOD, date(1990, 3, 7), "男", TODAY)
    assert verdict.trusted
    assert verdict.number == GOOD
    assert verdict.message is None


def test_ocr_lookalike_letters_and_spaces_become_digits() -> None:
    spaced = f"{GOOD[:6]} {GOOD[6:14]} {GOOD[14:]}".replace("0", "O").replace("1", "l")
    assert clean_number_text(spaced) == GOOD
    assert judge_number(spaced, today=TODAY).trusted


def test_a_misread_digit_is_never_trusted_and_is_highlighted() -> None:
    # The 1 at position 14 read as a 7: a classic recogniser confusion.
    assert GOOD[14] == "1"
    misread = GOOD[:14] + "7" + GOOD[15:]
    verdict = judge_number(misread, date(1990, 3, 7), "男", TODAY)
    assert not verdict.trusted
    assert 14 in verdict.suspects
    assert GOOD in verdict.candidates
    assert verdict.message and "与证件原件核对" in verdict.message
    assert GOOD not in verdict.message  # the message may reach a log: no full number


def test_a_misread_date_digit_is_pointed_at_by_the_printed_birth_date() -> None:
    misread = GOOD[:12] + "8" + GOOD[13:]  # the day 07 read as 87: not a date
    verdict = judge_number(misread, date(1990, 3, 7), "男", TODAY)
    assert not verdict.trusted
    assert verdict.suspects == (12,)
    assert verdict.candidates[0] == GOOD


def test_a_valid_number_that_disagrees_with_the_printed_birth_date_is_not_trusted() -> None:
    verdict = judge_number(GOOD, date(1990, 3, 8), "男", TODAY)
    assert not verdict.trusted
    assert verdict.message and "出生日期或性别" in verdict.message


def test_a_valid_number_that_disagrees_with_the_printed_sex_is_not_trusted() -> None:
    assert not judge_number(GOOD, date(1990, 3, 7), "女", TODAY).trusted


def test_a_short_read_says_how_many_digits_were_found() -> None:
    verdict = judge_number(GOOD[:16], today=TODAY)
    assert not verdict.trusted
    assert verdict.message and "16位" in verdict.message
