"""Registry answers as the citizen reads them: each answer of a person operation turned into
labelled lines (`Item`) or a list of things with their own lines (`Record`), with dates and codes
in the reader's language. Other people in an answer (parents, co-directors) appear by name, or
not at all, never by their national ID."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import get_language_info, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from onestop.core.models import CountryProfile
from onestop.core.text import pick

VALUES: dict[str, Promise] = {
    "sex:F": pgettext_lazy("sex", "female"),
    "sex:M": pgettext_lazy("sex", "male"),
    "document:id_card": gettext_lazy("identity card"),
    "document:passport": gettext_lazy("passport"),
    "document_status:valid": pgettext_lazy("document", "valid"),
    "document_status:expired": pgettext_lazy("document", "expired"),
    "document_status:lost": pgettext_lazy("document", "reported lost"),
    "document_status:stolen": pgettext_lazy("document", "reported stolen"),
    "document_status:cancelled": pgettext_lazy("document", "cancelled"),
    "property:apartment": gettext_lazy("apartment"),
    "property:house": gettext_lazy("house"),
    "property:land": gettext_lazy("land"),
    "legal_form:sole_trader": gettext_lazy("sole trader"),
    "legal_form:limited_company": gettext_lazy("limited company"),
    "legal_form:partnership": gettext_lazy("partnership"),
    "legal_form:cooperative": gettext_lazy("cooperative"),
    "business_status:active": pgettext_lazy("business", "active"),
    "business_status:dissolved": pgettext_lazy("business", "dissolved"),
    "business_role:owner": pgettext_lazy("business role", "owner"),
    "business_role:director": pgettext_lazy("business role", "director"),
    "benefit:pensioner": gettext_lazy("retirement pension"),
    "benefit:disability": gettext_lazy("disability benefit"),
    "benefit:low_income": gettext_lazy("low-income support"),
    "end_reason:death": gettext_lazy("death of the spouse"),
    "end_reason:divorce": gettext_lazy("divorce"),
}


@dataclass(frozen=True)
class Item:
    """One line of a description list: a label and its value."""

    label: str
    value: str


@dataclass(frozen=True)
class Record:
    """One thing among several (a vehicle, a parent), with its own lines."""

    title: str
    items: list[Item]


def _value(kind: str, code: Any) -> str:
    label = VALUES.get(f"{kind}:{code}")
    return str(label) if label is not None else str(code or "")


def _day(value: str | None) -> str:
    return formats.date_format(date.fromisoformat(value), "DATE_FORMAT") if value else ""


def _language(code: str | None) -> str:
    if not code:
        return ""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def regions_named() -> dict[str, str]:
    rows = CountryProfile.objects.filter(id=1).values_list("regions", flat=True).first() or []
    return {row["code"]: pick(row.get("name")) or row["code"] for row in rows if "code" in row}


def _lines(*pairs: tuple[Any, Any]) -> list[Item]:
    """Items for the pairs whose value is not empty: a blank line tells the reader nothing."""
    return [Item(label=str(label), value=str(value)) for label, value in pairs if value]


def _address(address: dict[str, Any] | None, regions: dict[str, str]) -> str:
    if not address:
        return ""
    street = " ".join(filter(None, [address.get("house_number"), address.get("street")]))
    town = " ".join(filter(None, [address.get("postcode"), address.get("town")]))
    region = regions.get(address.get("region", ""), address.get("region", ""))
    return ", ".join(filter(None, [street, town, region]))


def _name(person: dict[str, Any]) -> str:
    return " ".join(filter(None, [person.get("given_name"), person.get("family_name")]))


def _person_items(data: dict[str, Any], regions: dict[str, str]) -> list[Item]:
    birth_place = data.get("birth_place") or {}
    region = regions.get(birth_place.get("region", ""), birth_place.get("region", ""))
    return _lines(
        (_("National ID"), data.get("national_id")),
        (_("Given names"), data.get("given_name")),
        (_("Family name"), data.get("family_name")),
        (_("Sex"), _value("sex", data.get("sex"))),
        (_("Date of birth"), _day(data.get("birth_date"))),
        (_("Place of birth"), ", ".join(filter(None, [birth_place.get("town"), region]))),
        (_("Date of death"), _day(data.get("death_date"))),
        (_("Language"), _language(data.get("language"))),
        (_("Address"), _address(data.get("address"), regions)),
    )


def _relative(title: str, person: dict[str, Any]) -> Record:
    """A relative by name and dates only: their national ID is theirs, not this page's."""
    return Record(
        title=f"{title}: {_name(person)}",
        items=_lines(
            (_("Date of birth"), _day(person.get("birth_date"))),
            (_("Date of death"), _day(person.get("death_date"))),
        ),
    )


def _family_records(data: dict[str, Any], regions: dict[str, str]) -> list[Record]:
    records = [_relative(_("Parent"), p) for p in data.get("parents", [])]
    records += [_relative(_("Child"), c) for c in data.get("children", [])]
    for marriage in data.get("marriages", []):
        records.append(
            Record(
                title=_("Marriage: %(spouse)s") % {"spouse": _name(marriage.get("spouse") or {})},
                items=_lines(
                    (_("Married on"), _day(marriage.get("married_on"))),
                    (_("Region"), regions.get(marriage.get("region", ""), marriage.get("region"))),
                    (_("Ended on"), _day(marriage.get("ended_on"))),
                    (_("Ended by"), _value("end_reason", marriage.get("end_reason") or "")),
                ),
            )
        )
    return records


def _document_records(data: dict[str, Any], regions: dict[str, str]) -> list[Record]:
    return [
        Record(
            title=_value("document", document.get("kind")),
            items=_lines(
                (_("Number"), document.get("number")),
                (_("Issued on"), _day(document.get("issued_on"))),
                (_("Expires on"), _day(document.get("expires_on"))),
                (_("Status"), _value("document_status", document.get("status"))),
            ),
        )
        for document in data.get("documents", [])
    ]


def _vehicle_records(data: dict[str, Any], regions: dict[str, str]) -> list[Record]:
    return [
        Record(
            title=" ".join(filter(None, [vehicle.get("make"), vehicle.get("model")])),
            items=_lines(
                (_("Registration plate"), vehicle.get("plate")),
                (_("Vehicle identification number (VIN)"), vehicle.get("vin")),
                (_("Year"), vehicle.get("year")),
                (_("Registered on"), _day(vehicle.get("registered_on"))),
            ),
        )
        for vehicle in data.get("vehicles", [])
    ]


def _property_records(data: dict[str, Any], regions: dict[str, str]) -> list[Record]:
    return [
        Record(
            title=f"{_value('property', share.get('kind'))}: {share.get('parcel_number', '')}",
            items=_lines(
                (_("Address"), _address(share.get("address"), regions)),
                (_("Area (m²)"), share.get("area_m2")),
                (_("Your share"), share.get("share")),
                (_("Registered on"), _day(share.get("registered_on"))),
            ),
        )
        for share in data.get("properties", [])
    ]


def _business_records(data: dict[str, Any], regions: dict[str, str]) -> list[Record]:
    """Each business with the citizen's own role; the other directors stay unnamed."""
    own = str(data.get("national_id", ""))
    records = []
    for business in data.get("businesses", []):
        directors = business.get("directors", [])
        roles = [d.get("role") for d in directors if d.get("national_id") == own]
        records.append(
            Record(
                title=str(business.get("name", "")),
                items=_lines(
                    (_("Business ID"), business.get("business_id")),
                    (_("Legal form"), _value("legal_form", business.get("legal_form"))),
                    (_("Activity"), (business.get("activity") or {}).get("label")),
                    (_("Your role"), ", ".join(_value("business_role", r) for r in roles)),
                    (
                        _("Registered address"),
                        _address(business.get("registered_address"), regions),
                    ),
                    (_("Registered on"), _day(business.get("registered_on"))),
                    (_("Status"), _value("business_status", business.get("status"))),
                    (_("Dissolved on"), _day(business.get("dissolved_on"))),
                ),
            )
        )
    return records


def _benefit_records(data: dict[str, Any], regions: dict[str, str]) -> list[Record]:
    current = set(data.get("current", []))
    return [
        Record(
            title=_value("benefit", period.get("category")),
            items=_lines(
                (_("From"), _day(period.get("since"))),
                (_("Until"), _day(period.get("until"))),
                (
                    _("In force today"),
                    _("yes")
                    if period.get("category") in current and not period.get("until")
                    else "",
                ),
            ),
        )
        for period in data.get("benefits", [])
    ]


ItemsFormatter = Callable[[dict[str, Any], dict[str, str]], list[Item]]
RecordsFormatter = Callable[[dict[str, Any], dict[str, str]], list[Record]]

ITEMS: dict[tuple[str, str], ItemsFormatter] = {
    ("civil", "person"): _person_items,
    ("civil", "address"): lambda data, regions: _lines(
        (_("Address"), _address(data.get("address"), regions))
    ),
}
RECORDS: dict[tuple[str, str], RecordsFormatter] = {
    ("civil", "family"): _family_records,
    ("documents", "identity-documents"): _document_records,
    ("vehicles", "vehicles-of"): _vehicle_records,
    ("property", "properties-of"): _property_records,
    ("business", "businesses-of"): _business_records,
    ("benefits", "benefit-status"): _benefit_records,
}
