from datetime import date

from onestop.core.id_schemes import luhn_is_valid, mod11_is_valid
from onestop.registries.numbers import (
    BusinessIds,
    NationalIds,
    luhn_check_digit,
    parcel_number,
    vin_is_valid,
    vin_make,
)

NATIONAL = {"pattern": "^[0-9]{11}$", "check_digit": "luhn"}
BUSINESS = {"pattern": "^[0-9]{9}$", "check_digit": "mod11"}


def test_luhn_check_digit_completes_the_pack_example():
    assert luhn_check_digit("8504121234") == 2
    assert luhn_is_valid("85041212342")


def test_national_ids_carry_the_birth_date_and_never_repeat():
    ids = NationalIds(NATIONAL)
    issued = [ids.issue(date(1985, 4, 12)) for _ in range(500)]
    assert len(set(issued)) == 500
    assert all(number.startswith("850412") and luhn_is_valid(number) for number in issued)


def test_business_ids_pass_mod11_and_never_repeat():
    ids = BusinessIds(BUSINESS, start=10_000_000)
    issued = [ids.issue() for _ in range(2000)]
    assert len(set(issued)) == 2000
    assert all(len(number) == 9 and mod11_is_valid(number) for number in issued)


def test_vin_check_character_validates_and_catches_a_changed_character():
    vin = vin_make("WVW", "ZZZ1K", 2019, 123)
    assert len(vin) == 17 and vin_is_valid(vin)
    tampered = vin[:12] + ("1" if vin[12] != "1" else "2") + vin[13:]
    assert not vin_is_valid(tampered)
    assert vin_is_valid("1M8GDM9AXKP042788")  # the textbook example, check character X


def test_parcel_number_has_the_registry_format():
    assert parcel_number(3, 12, 456) == "03-0012-0456"
