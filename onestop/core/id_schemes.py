"""National-ID and business-ID schemes: a pattern and a check digit, as a country pack sets."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def mod11_check_digit(body: str) -> int | None:
    """Weights 2, 3, … 7 repeating from the right; None where the remainder makes no digit
    (numbers with such a body are never issued)."""
    total = sum(int(char) * (2 + index % 6) for index, char in enumerate(reversed(body)))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def mod11_is_valid(digits: str) -> bool:
    return mod11_check_digit(digits[:-1]) == int(digits[-1])


CHECKS = {"luhn": luhn_is_valid, "mod11": mod11_is_valid, "none": lambda digits: True}


def id_is_valid(scheme: Mapping[str, Any], value: str) -> bool:
    if not re.fullmatch(scheme.get("pattern", ".+"), value):
        return False
    check = CHECKS[scheme.get("check_digit", "none")]
    digits = re.sub(r"\D", "", value)
    return bool(digits) and check(digits) if scheme.get("check_digit", "none") != "none" else True
