from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onestop.core.errors import InvalidInput
from onestop.core.id_schemes import id_is_valid, luhn_is_valid, mod11_check_digit
from onestop.core.ids import new_id
from onestop.core.money import Money
from onestop.core.workdays import WorkingCalendar

PACK_CALENDAR = {
    "working_week": ["mon", "tue", "wed", "thu", "fri"],
    "holidays": {
        "fixed": [{"month": 1, "day": 1}, {"month": 12, "day": 25}],
        "dated": [{"date": "2026-04-06"}],
    },
}


def test_ids_are_version_7_and_time_ordered():
    first, second = new_id(), new_id()

    assert (first.version, second.version) == (7, 7)
    assert first < second


def test_money_rounds_to_the_currency_precision():
    assert Money.parse("12.345", "EUR").amount == Decimal("12.34")
    assert Money.parse("1500", "JPY").amount == Decimal("1500")
    assert Money.parse("0", "EUR").is_free


def test_money_refuses_floats_unknown_currencies_and_negative_amounts():
    with pytest.raises(InvalidInput, match="Decimal"):
        Money(12.5, "EUR")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="ISO 4217") as error:
        Money(Decimal(1), "EURO")
    assert error.value.details == {"field": "currency"}
    with pytest.raises(InvalidInput, match="zero or more"):
        Money.parse("-1", "EUR")
    with pytest.raises(InvalidInput, match="not an amount"):
        Money.parse("twelve", "EUR")


def test_money_adds_only_the_same_currency_and_formats_per_language():
    assert Money.parse("10.50", "EUR") + Money.parse("1.50", "EUR") == Money.parse("12", "EUR")
    with pytest.raises(InvalidInput):
        Money.parse("1", "EUR") + Money.parse("1", "USD")
    assert Money.parse("1234.5", "EUR").format("en") == "€1,234.50"
    assert Money.parse("1234.5", "EUR").format("fr") == "1\u202f234,50\xa0€"


def test_deadlines_skip_weekends_and_the_packs_own_holidays():
    calendar = WorkingCalendar.from_pack(PACK_CALENDAR)

    # Friday 2026-04-03 + 1 working day: the weekend and Easter Monday (a dated holiday) pass.
    assert calendar.add_working_days(date(2026, 4, 3), 1) == date(2026, 4, 7)
    # 23 Dec 2026 (Wednesday) + 3: 24th, (25th holiday), (weekend), 28th, 29th.
    assert calendar.add_working_days(date(2026, 12, 23), 3) == date(2026, 12, 29)
    assert calendar.add_working_days(date(2026, 12, 23), 0) == date(2026, 12, 23)
    assert not calendar.is_working_day(date(2027, 1, 1))
    assert calendar.working_days_between(date(2026, 12, 23), date(2026, 12, 29)) == 3


def test_a_real_countrys_calendar_comes_from_the_holidays_library():
    calendar = WorkingCalendar.from_pack(
        {
            "working_week": ["mon", "tue", "wed", "thu", "fri"],
            "holidays": {"library": {"country": "FR"}},
        }
    )

    assert not calendar.is_working_day(date(2026, 7, 14))  # Bastille Day, a Tuesday
    assert calendar.add_working_days(date(2026, 7, 13), 1) == date(2026, 7, 15)


def test_a_six_day_week_counts_saturdays():
    calendar = WorkingCalendar.from_pack(
        {"working_week": ["sun", "mon", "tue", "wed", "thu", "sat"], "holidays": {}}
    )

    # Thursday + 2: Friday is the weekly rest day, so Saturday and Sunday count.
    assert calendar.add_working_days(date(2026, 11, 26), 2) == date(2026, 11, 29)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(0, 60))
def test_adding_working_days_lands_on_a_working_day_counted_back_exactly(start, days):
    calendar = WorkingCalendar.from_pack(PACK_CALENDAR)

    deadline = calendar.add_working_days(start, days)

    assert calendar.working_days_between(start, deadline) == days
    assert days == 0 or calendar.is_working_day(deadline)


def test_id_schemes_check_pattern_and_check_digit():
    national = {"pattern": "^[0-9]{11}$", "check_digit": "luhn"}
    business = {"pattern": "^[0-9]{9}$", "check_digit": "mod11"}

    assert luhn_is_valid("79927398713")
    assert id_is_valid(national, "12345678903")
    assert not id_is_valid(national, "12345678904")
    assert not id_is_valid(national, "1234567890")
    body = "12345678"
    check = mod11_check_digit(body)
    assert check is not None
    assert id_is_valid(business, f"{body}{check}")
    assert not id_is_valid(business, f"{body}{(check + 1) % 10}")
