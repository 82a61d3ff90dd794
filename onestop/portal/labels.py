"""Interface labels for catalog codes whose model labels are English-only."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CHANNELS: dict[str, Promise] = {
    "online": _("Online, on this portal"),
    "center": _("At a service center counter"),
    "mobile_unit": _("At a mobile unit"),
    "kiosk": _("At a self-service kiosk"),
    "partner_outlet": _("At a partner outlet (such as a post office)"),
    "call_center": _("By telephone, through the call center"),
    "sms": _("By SMS"),
    "post": _("By post"),
}

CENTER_KINDS: dict[str, Promise] = {
    "center": _("Service center"),
    "mobile_unit": _("Mobile unit"),
    "kiosk": _("Kiosk"),
    "partner_outlet": _("Partner outlet"),
}

FEE_TIERS: dict[str, Promise] = {
    "standard": pgettext_lazy("fee tier", "Standard"),
    "express": pgettext_lazy("fee tier", "Express"),
}

# The registries that hold evidence, named the way a citizen knows them.
REGISTRIES: dict[str, Promise] = {
    "civil": _("the civil registry"),
    "identity": _("the identity document registry"),
    "documents": _("the identity document registry"),
    "vehicles": _("the vehicle registry"),
    "property": _("the land and property registry"),
    "business": _("the business registry"),
    "businesses": _("the business registry"),
    "employment": _("the employment register"),
    "social-benefits": _("the social benefits registry"),
    "benefits": _("the social benefits registry"),
    "tax": _("the tax register"),
    "education": _("the education register"),
    "health": _("the health register"),
    "police": _("the police records"),
}

WEEKDAYS: tuple[tuple[str, Promise], ...] = (
    ("mon", _("Monday")),
    ("tue", _("Tuesday")),
    ("wed", _("Wednesday")),
    ("thu", _("Thursday")),
    ("fri", _("Friday")),
    ("sat", _("Saturday")),
    ("sun", _("Sunday")),
)


def channel_label(code: str) -> str:
    return str(CHANNELS.get(code, code))


def registry_label(code: str) -> str:
    label = REGISTRIES.get(code)
    if label is not None:
        return str(label)
    return _("the “%(registry)s” registry") % {"registry": code}
