"""Tracking numbers: random, checked, forgiving of how people type them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onestop.applications.tracking import (
    CHECK_SYMBOLS,
    EXAMPLE,
    LENGTH,
    SYMBOLS,
    check_symbol,
    tracking_number_clean,
    tracking_number_new,
    tracking_number_parse,
)
from onestop.core.errors import InvalidInput

bodies = st.text(alphabet=SYMBOLS, min_size=9, max_size=9)


def test_a_new_number_has_ten_symbols_and_its_check_symbol():
    number = tracking_number_new()

    assert len(number) == LENGTH
    assert set(number[:-1]) <= set(SYMBOLS)
    assert number[-1] == check_symbol(number[:-1])
    assert tracking_number_parse(number) == number


def test_new_numbers_are_not_sequential():
    numbers = {tracking_number_new() for _ in range(2000)}

    assert len(numbers) == 2000
    assert len({number[:4] for number in numbers}) > 500


def test_the_example_in_help_texts_is_a_valid_number():
    assert tracking_number_parse(EXAMPLE) == EXAMPLE


def test_crockfords_check_symbols_are_the_value_modulo_37():
    assert check_symbol("000000000") == "0"
    assert check_symbol("00000000Z") == "Z"  # 31
    assert check_symbol("000000010") == "*"  # 32
    assert check_symbol("000000014") == "U"  # 36
    assert check_symbol("000000015") == "0"  # 37


@given(bodies)
def test_how_people_type_a_number_reads_back_the_same(body):
    number = body + check_symbol(body)
    typed = "-".join([number[:3], number[3:6], number[6:]]).lower()
    typed = typed.replace("1", "l").replace("0", "o")

    assert tracking_number_parse(f"  {typed} ") == number


@given(bodies, st.integers(min_value=0, max_value=9), st.sampled_from(CHECK_SYMBOLS))
def test_a_mistyped_symbol_is_caught(body, position, replacement):
    number = body + check_symbol(body)
    if position == 9:
        wrong = number[:9] + replacement
    else:
        wrong = number[:position] + replacement + number[position + 1 :]
    if wrong == number or replacement not in SYMBOLS and position < 9:
        return

    assert tracking_number_parse(wrong) is None


@given(bodies, st.integers(min_value=0, max_value=7))
def test_two_swapped_neighbours_are_caught(body, position):
    number = body + check_symbol(body)
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    if swapped == number:
        return

    assert tracking_number_parse(swapped) is None


@pytest.mark.parametrize("value", ["", "7K3D9QX21", "7K3D9QX21E0", "7K3D9QX21F", "7K3D9QX2!E"])
def test_clean_names_the_field_and_shows_an_example(value):
    with pytest.raises(InvalidInput) as caught:
        tracking_number_clean(value)

    assert caught.value.details["field"] == "tracking_number"
    assert EXAMPLE in caught.value.message


def test_new_numbers_never_end_in_a_check_only_symbol():
    endings = {tracking_number_new()[-1] for _ in range(10_000)}

    assert endings <= set(SYMBOLS)
    assert not endings & set("*~$=U")
    assert len(endings) == 32  # every plain symbol still comes up: the check is not biased away


def test_a_number_ending_in_a_check_only_symbol_stays_valid():
    for body, check in (("000000010", "*"), ("000000014", "U"), ("000000011", "~")):
        number = body + check

        assert check_symbol(body) == check
        assert tracking_number_parse(number) == number
        assert tracking_number_clean(number.lower()) == number


@given(bodies, st.integers(min_value=0, max_value=8), st.sampled_from(SYMBOLS))
def test_a_one_symbol_typo_in_a_new_style_number_is_caught(body, position, replacement):
    check = check_symbol(body)
    if check not in SYMBOLS or body[position] == replacement:
        return
    number = body + check
    typo = number[:position] + replacement + number[position + 1 :]

    assert tracking_number_parse(typo) is None
