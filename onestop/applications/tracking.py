"""Tracking numbers: what a citizen quotes to follow an application.

Nine random Crockford base32 symbols (45 bits from `secrets`, so a number says nothing about
how many applications exist and cannot be guessed from another) and one check symbol, the
body's value modulo 37 written with Crockford's check alphabet (`*~$=U` after the 32 symbols):
a mistyped or swapped symbol is caught before any lookup. People may type it in any case,
with dashes or spaces, I or L for 1 and O for 0.

New numbers end in a plain letter or digit: a body whose check would be one of the five
check-only symbols is drawn again (still random; 32 bodies in 37 qualify, so the numbers keep
about 44.8 bits). `*~$=U` are awkward to read out, to type on a phone keypad and to carry in an
SMS or a URL. Numbers issued before, ending in one of them, stay valid.
"""

from __future__ import annotations

import secrets

from django.utils.translation import gettext as _

from onestop.core.errors import InvalidInput
from onestop.notifications.inbound import tracking_number_normalise

SYMBOLS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_SYMBOLS = SYMBOLS + "*~$=U"
BODY_LENGTH = 9
LENGTH = BODY_LENGTH + 1
EXAMPLE = "7K3D9QX21E"  # a valid number for help texts


def check_symbol(body: str) -> str:
    """Crockford's check symbol of a normalised body."""
    value = 0
    for symbol in body:
        value = value * 32 + SYMBOLS.index(symbol)
    return CHECK_SYMBOLS[value % 37]


def tracking_number_new() -> str:
    while True:
        body = "".join(secrets.choice(SYMBOLS) for _ in range(BODY_LENGTH))
        check = check_symbol(body)
        if check in SYMBOLS:
            return body + check


def tracking_number_parse(value: str) -> str | None:
    """The number in its canonical form, or None when it is not a well-formed number."""
    number = tracking_number_normalise(value or "")
    body, check = number[:-1], number[-1:]
    if len(number) != LENGTH or any(symbol not in SYMBOLS for symbol in body):
        return None
    return number if check == check_symbol(body) else None


def tracking_number_clean(value: str) -> str:
    """The canonical number; InvalidInput on the field `tracking_number` otherwise."""
    number = tracking_number_parse(value)
    if number is None:
        raise InvalidInput(
            _(
                "This is not a tracking number: it has 10 letters and digits, such as "
                "%(example)s. Check each character."
            )
            % {"example": EXAMPLE},
            code="tracking_number_invalid",
            field="tracking_number",
        )
    return number
