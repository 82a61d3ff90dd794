"""Recipients: phone numbers normalised to E.164 with `phonenumbers`, e-mail addresses checked.

A country pack's code may be fictional (the demo's "XM"); `phonenumbers` knows no such region,
so national numbers then cannot be read and the international form (+…) is required.
"""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from onestop.core.errors import InvalidInput
from onestop.core.models import CountryProfile


def pack_region() -> str | None:
    code = CountryProfile.objects.filter(id=1).values_list("code", flat=True).first()
    return code if code in phonenumbers.SUPPORTED_REGIONS else None


def phone_normalise(value: str, *, region: str | None = None, field: str = "recipient") -> str:
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as error:
        hint = (
            f"write it as a {region} number or with its country code (+…)"
            if region
            else "write it in international form with its country code, such as +33612345678"
        )
        raise InvalidInput(
            f"{value!r} is not a phone number ({error._msg}); {hint}.", field=field
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput(
            f"{value!r} is not a valid phone number; check the digits and the country code.",
            field=field,
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def email_normalise(value: str, *, field: str = "recipient") -> str:
    value = value.strip()
    try:
        validate_email(value)
    except ValidationError as error:
        raise InvalidInput(
            f"{value!r} is not an e-mail address; write it as name@example.org.", field=field
        ) from error
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def contact_normalise(value: str, *, field: str = "recipient") -> tuple[str, str]:
    """("email" | "phone", the normalised address)."""
    if "@" in value:
        return "email", email_normalise(value, field=field)
    return "phone", phone_normalise(value.strip(), region=pack_region(), field=field)
