"""The registries' operations, one function each, answering plain JSON-ready dicts: what an
agency system would return to the data exchange. A missing record raises RecordNotFound."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q

from onestop.core import clock
from onestop.core.errors import NotFound
from onestop.registries.models import (
    Address,
    Benefit,
    Business,
    BusinessDirector,
    FamilyLink,
    IdentityDocument,
    Marriage,
    Person,
    PropertyShare,
    Vehicle,
)


class RecordNotFound(NotFound):
    code = "record_not_found"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _person(national_id: str) -> Person:
    person = Person.objects.select_related("address").filter(national_id=national_id).first()
    if person is None:
        raise RecordNotFound("No person has this national ID.", national_id=national_id)
    return person


def _address(address: Address) -> dict[str, Any]:
    return {
        "street": address.street,
        "house_number": address.house_number,
        "postcode": address.postcode,
        "town": address.town,
        "region": address.region,
        "latitude": str(address.latitude),
        "longitude": str(address.longitude),
    }


def _person_summary(person: Person) -> dict[str, Any]:
    return {
        "national_id": person.national_id,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "birth_date": _iso(person.birth_date),
        "death_date": _iso(person.death_date),
    }


def person_get(national_id: str) -> dict[str, Any]:
    person = _person(national_id)
    return _person_summary(person) | {
        "sex": person.sex,
        "birth_place": {"region": person.birth_region, "town": person.birth_town},
        "language": person.language,
        "address": _address(person.address),
    }


def person_address(national_id: str) -> dict[str, Any]:
    person = _person(national_id)
    return {"national_id": national_id, "address": _address(person.address)}


def person_family(national_id: str) -> dict[str, Any]:
    """Parents, children and marriages (current and ended), each relative summarised."""
    _person(national_id)
    links = FamilyLink.objects.filter(Q(parent_id=national_id) | Q(child_id=national_id))
    parent_ids = sorted(link.parent_id for link in links if link.child_id == national_id)
    child_ids = sorted(link.child_id for link in links if link.parent_id == national_id)
    marriages = list(
        Marriage.objects.filter(Q(spouse_a_id=national_id) | Q(spouse_b_id=national_id)).order_by(
            "married_on"
        )
    )
    spouse_ids = [
        m.spouse_b_id if m.spouse_a_id == national_id else m.spouse_a_id for m in marriages
    ]
    relatives = Person.objects.in_bulk(parent_ids + child_ids + spouse_ids)
    return {
        "national_id": national_id,
        "parents": [_person_summary(relatives[pk]) for pk in parent_ids],
        "children": [_person_summary(relatives[pk]) for pk in child_ids],
        "marriages": [
            {
                "spouse": _person_summary(relatives[spouse]),
                "married_on": _iso(marriage.married_on),
                "region": marriage.region,
                "ended_on": _iso(marriage.ended_on),
                "end_reason": marriage.end_reason or None,
            }
            for marriage, spouse in zip(marriages, spouse_ids, strict=True)
        ],
    }


def document_status(document: IdentityDocument, today: date) -> str:
    if document.status == "issued":
        return "expired" if document.expires_on < today else "valid"
    return document.status


def identity_documents(national_id: str) -> dict[str, Any]:
    _person(national_id)
    today = clock.today()
    documents = IdentityDocument.objects.filter(holder_id=national_id).order_by("kind", "issued_on")
    return {
        "national_id": national_id,
        "documents": [
            {
                "number": document.number,
                "kind": document.kind,
                "issued_on": _iso(document.issued_on),
                "expires_on": _iso(document.expires_on),
                "status": document_status(document, today),
            }
            for document in documents
        ],
    }


def _vehicle(vehicle: Vehicle) -> dict[str, Any]:
    return {
        "vin": vehicle.vin,
        "plate": vehicle.plate,
        "make": vehicle.make,
        "model": vehicle.model,
        "year": vehicle.year,
        "owner_national_id": vehicle.owner_id,
        "registered_on": _iso(vehicle.registered_on),
    }


def vehicles_of(national_id: str) -> dict[str, Any]:
    _person(national_id)
    vehicles = Vehicle.objects.filter(owner_id=national_id).order_by("registered_on", "vin")
    return {"national_id": national_id, "vehicles": [_vehicle(v) for v in vehicles]}


def vehicle_get(vin: str) -> dict[str, Any]:
    vehicle = Vehicle.objects.filter(vin=vin.upper()).first()
    if vehicle is None:
        raise RecordNotFound("No vehicle has this VIN.", vin=vin)
    return _vehicle(vehicle)


def properties_of(national_id: str) -> dict[str, Any]:
    _person(national_id)
    shares = (
        PropertyShare.objects.filter(owner_id=national_id)
        .select_related("title__address")
        .order_by("title_id")
    )
    return {
        "national_id": national_id,
        "properties": [
            {
                "parcel_number": share.title.parcel_number,
                "kind": share.title.kind,
                "area_m2": share.title.area_m2,
                "registered_on": _iso(share.title.registered_on),
                "address": _address(share.title.address),
                "share": f"{share.numerator}/{share.denominator}",
            }
            for share in shares
        ],
    }


def _business(business: Business, directors: list[BusinessDirector]) -> dict[str, Any]:
    return {
        "business_id": business.business_id,
        "name": business.name,
        "legal_form": business.legal_form,
        "activity": {"code": business.activity_code, "label": business.activity},
        "registered_address": _address(business.address),
        "registered_on": _iso(business.registered_on),
        "dissolved_on": _iso(business.dissolved_on),
        "status": "dissolved" if business.dissolved_on else "active",
        "directors": [
            {"national_id": d.person_id, "role": d.role, "since": _iso(d.since)}
            for d in sorted(directors, key=lambda d: (d.since, d.person_id))
        ],
    }


def business_get(business_id: str) -> dict[str, Any]:
    business = (
        Business.objects.select_related("address")
        .prefetch_related("directors")
        .filter(business_id=business_id)
        .first()
    )
    if business is None:
        raise RecordNotFound("No business has this business ID.", business_id=business_id)
    return _business(business, list(business.directors.all()))


def businesses_of(national_id: str) -> dict[str, Any]:
    """The businesses this person directs or owns."""
    _person(national_id)
    businesses = (
        Business.objects.filter(directors__person_id=national_id)
        .select_related("address")
        .prefetch_related("directors")
        .order_by("business_id")
        .distinct()
    )
    return {
        "national_id": national_id,
        "businesses": [_business(b, list(b.directors.all())) for b in businesses],
    }


def benefit_status(national_id: str) -> dict[str, Any]:
    """Every benefit period, and the categories in force today."""
    _person(national_id)
    today = clock.today()
    benefits = Benefit.objects.filter(person_id=national_id).order_by("since", "category")
    periods = [
        {"category": b.category, "since": _iso(b.since), "until": _iso(b.until)} for b in benefits
    ]
    current = sorted(
        {b.category for b in benefits if b.since <= today and (b.until is None or b.until >= today)}
    )
    return {"national_id": national_id, "current": current, "benefits": periods}
