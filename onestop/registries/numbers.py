"""Registry numbers as the agencies issue them: check digits that validate, and never twice."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from onestop.core.id_schemes import mod11_check_digit

VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"  # no I, O or Q
VIN_VALUES = (
    dict(zip("ABCDEFGH", range(1, 9), strict=True))
    | dict(zip("JKLMNPR", [1, 2, 3, 4, 5, 7, 9], strict=True))
    | dict(zip("STUVWXYZ", range(2, 10), strict=True))
    | {str(d): d for d in range(10)}
)
VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
VIN_YEARS = "ABCDEFGHJKLMNPRSTVWXY123456789"  # model-year codes, 1980 = A, cycling every 30


class SchemeUnsupported(ValueError):
    """The pack's ID scheme is not one the generator can issue numbers for."""


def digits_length(scheme: Mapping[str, Any]) -> int:
    found = re.fullmatch(r"\^\[0-9\]\{(\d+)\}\$", str(scheme.get("pattern", "")))
    if found is None:
        raise SchemeUnsupported(
            f"cannot generate numbers for the pattern {scheme.get('pattern')!r}; "
            "the generator issues digits-only numbers (pattern ^[0-9]{N}$)."
        )
    return int(found.group(1))


def luhn_check_digit(body: str) -> int:
    total = 0
    for position, char in enumerate(reversed(body)):
        value = int(char)
        if position % 2 == 0:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return (10 - total % 10) % 10


def with_check_digit(body: str, check: str) -> str | None:
    """body followed by its check digit under `check` (luhn, mod11, none); None where the
    scheme has no digit for this body."""
    if check == "luhn":
        return body + str(luhn_check_digit(body))
    if check == "mod11":
        digit = mod11_check_digit(body)
        return None if digit is None else body + str(digit)
    return body


class NationalIds:
    """Birth date (YYMMDD) then a serial, then the check digit: unique per birth date."""

    def __init__(self, scheme: Mapping[str, Any]) -> None:
        self.length = digits_length(scheme)
        self.check = str(scheme.get("check_digit", "none"))
        self.serial_width = self.length - 7 if self.check != "none" else self.length - 6
        if self.serial_width < 3:
            raise SchemeUnsupported("national IDs need at least 9 digits to carry a birth date.")
        self.issued: dict[str, int] = {}

    def issue(self, birth_date: date) -> str:
        prefix = birth_date.strftime("%y%m%d")
        while True:
            count = self.issued.get(prefix, 0)
            self.issued[prefix] = count + 1
            # A stride coprime to the serial space spreads serials without repeating one.
            serial = (count * 7919 + 1000) % 10**self.serial_width
            number = with_check_digit(f"{prefix}{serial:0{self.serial_width}d}", self.check)
            if number is not None:
                return number


class BusinessIds:
    def __init__(self, scheme: Mapping[str, Any], start: int) -> None:
        self.length = digits_length(scheme)
        self.check = str(scheme.get("check_digit", "none"))
        self.body_width = self.length - (0 if self.check == "none" else 1)
        self.next_body = start

    def issue(self) -> str:
        while True:
            body = f"{self.next_body % 10**self.body_width:0{self.body_width}d}"
            self.next_body += 7
            number = with_check_digit(body, self.check)
            if number is not None and number[0] != "0":
                return number


def vin_check_character(vin: str) -> str:
    total = sum(VIN_VALUES[char] * weight for char, weight in zip(vin, VIN_WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def vin_is_valid(vin: str) -> bool:
    if len(vin) != 17 or any(char not in VIN_ALPHABET for char in vin):
        return False
    return vin[8] == vin_check_character(vin)


def vin_make(wmi: str, descriptor: str, year: int, serial: int) -> str:
    """World manufacturer (3), vehicle descriptor (5), check, model year, plant, serial (6)."""
    plant = VIN_ALPHABET[serial // 1_000_000 % len(VIN_ALPHABET)]
    draft = f"{wmi}{descriptor}0{VIN_YEARS[(year - 1980) % 30]}{plant}{serial % 1_000_000:06d}"
    return draft[:8] + vin_check_character(draft) + draft[9:]


def parcel_number(region_index: int, block: int, lot: int) -> str:
    return f"{region_index:02d}-{block:04d}-{lot:04d}"
