"""National and business IDs checked against the country pack's schemes, masked for logs;
contact details normalised (phones to E.164 with `phonenumbers`)."""

from __future__ import annotations

import re
from typing import Any, Literal

from django.utils.translation import gettext as _

from onestop.core.contacts import email_normalise, pack_region, phone_normalise
from onestop.core.errors import InvalidInput
from onestop.core.id_schemes import id_is_valid
from onestop.core.models import CountryProfile
from onestop.core.text import pick

Kind = Literal["national_id", "business_id"]
DEFAULT_NAMES = {"national_id": "national ID", "business_id": "business ID"}


def scheme_get(kind: Kind) -> dict[str, Any]:
    """The pack's scheme for `kind`; without a pack any non-blank value is accepted."""
    scheme = CountryProfile.objects.filter(id=1).values_list(kind, flat=True).first()
    return dict(scheme or {})


def identifier_clean(kind: Kind, value: str) -> str:
    """`value` without spaces, when valid under the pack's scheme; else InvalidInput naming the
    field `kind`, the scheme and an example. The message does not repeat the value."""
    cleaned = re.sub(r"\s+", "", value or "")
    scheme = scheme_get(kind)
    if cleaned and id_is_valid(scheme, cleaned):
        return cleaned
    name = pick(scheme.get("name")) or DEFAULT_NAMES[kind]
    example = scheme.get("example")
    message = _("This is not a valid %(name)s; check every digit.") % {"name": name}
    if example:
        message += " " + _("It looks like %(example)s.") % {"example": example}
    raise InvalidInput(message, field=kind, code=f"{kind}_invalid")


def identifier_mask(value: str) -> str:
    """What events, audit records and logs may show of an ID: 850******42."""
    if len(value) < 8:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 5)}{value[-2:]}"


def phone_clean(value: str) -> str:
    """E.164, read as a national number of the pack's country when that country is real."""
    value = (value or "").strip()
    return phone_normalise(value, region=pack_region(), field="phone") if value else ""


def email_clean(value: str) -> str:
    value = (value or "").strip()
    return email_normalise(value, field="email") if value else ""


def language_clean(value: str) -> str:
    """One of the pack's languages (blank: the pack's default applies)."""
    value = (value or "").strip().lower()
    languages = CountryProfile.objects.filter(id=1).values_list("languages", flat=True).first()
    if value and languages and value not in languages:
        raise InvalidInput(
            _("Choose one of these languages: %(languages)s.")
            % {"languages": ", ".join(languages)},
            field="preferred_language",
        )
    return value
