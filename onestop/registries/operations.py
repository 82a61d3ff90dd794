"""The registries' operations, one function each, answering plain JSON-ready dicts: what an
agency system would return to the data exchange. A missing record raises RecordNotFound."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

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


# --- Evidence: the record a service asks the applicant to prove, one operation per evidence
# type the registry holds. Each answers about one person; an absent record (no marriage, no
# passport, no death) raises RecordNotFound, so the exchange reports "not found" and the
# applicant uploads the document instead.


def _named(person: Person) -> dict[str, Any]:
    return {
        "national_id": person.national_id,
        "given_name": person.given_name,
        "family_name": person.family_name,
    }


def birth_record(national_id: str) -> dict[str, Any]:
    """The civil register's birth entry: name, sex, date and place of birth, parents."""
    person = _person(national_id)
    parent_ids = FamilyLink.objects.filter(child_id=national_id).values("parent_id")
    parents = Person.objects.filter(national_id__in=parent_ids).order_by("national_id")
    return _named(person) | {
        "sex": person.sex,
        "birth_date": _iso(person.birth_date),
        "birth_region": person.birth_region,
        "birth_town": person.birth_town,
        "parents": [_named(parent) | {"sex": parent.sex} for parent in parents],
    }


def _marriage_entry(national_id: str, marriage: Marriage) -> dict[str, Any]:
    spouse = marriage.spouse_b if marriage.spouse_a_id == national_id else marriage.spouse_a
    return {
        "national_id": national_id,
        "spouse_national_id": spouse.national_id,
        "spouse_given_name": spouse.given_name,
        "spouse_family_name": spouse.family_name,
        "married_on": _iso(marriage.married_on),
        "region": marriage.region,
    }


def _marriages(national_id: str) -> QuerySet[Marriage]:
    return (
        Marriage.objects.filter(Q(spouse_a_id=national_id) | Q(spouse_b_id=national_id))
        .select_related("spouse_a", "spouse_b")
        .order_by("-married_on", "-id")
    )


def marriage_record(national_id: str) -> dict[str, Any]:
    """The person's latest marriage, with how and when it ended if it did."""
    _person(national_id)
    marriage = _marriages(national_id).first()
    if marriage is None:
        raise RecordNotFound("No marriage is recorded for this person.", national_id=national_id)
    return _marriage_entry(national_id, marriage) | {
        "ended_on": _iso(marriage.ended_on),
        "end_reason": marriage.end_reason or None,
    }


def divorce_record(national_id: str) -> dict[str, Any]:
    """The person's latest marriage dissolved by divorce."""
    _person(national_id)
    marriage = _marriages(national_id).filter(end_reason="divorce").first()
    if marriage is None:
        raise RecordNotFound("No divorce is recorded for this person.", national_id=national_id)
    return _marriage_entry(national_id, marriage) | {"divorced_on": _iso(marriage.ended_on)}


def death_record(national_id: str) -> dict[str, Any]:
    """The death of this person. The register holds the date, not the place, of death."""
    person = _person(national_id)
    if person.death_date is None:
        raise RecordNotFound("No death is recorded for this person.", national_id=national_id)
    return _named(person) | {
        "birth_date": _iso(person.birth_date),
        "death_date": _iso(person.death_date),
    }


def residence_record(national_id: str) -> dict[str, Any]:
    """The registered address, without its coordinates."""
    address = _person(national_id).address
    return {
        "national_id": national_id,
        "street": address.street,
        "house_number": address.house_number,
        "postcode": address.postcode,
        "town": address.town,
        "region": address.region,
    }


def family_composition(national_id: str) -> dict[str, Any]:
    """The living people registered at the person's address and their tie to the person:
    self, spouse (a marriage not ended), child, parent or other."""
    person = _person(national_id)
    links = FamilyLink.objects.filter(Q(parent_id=national_id) | Q(child_id=national_id))
    ties = {link.child_id: "child" for link in links if link.parent_id == national_id}
    ties |= {link.parent_id: "parent" for link in links if link.child_id == national_id}
    for marriage in _marriages(national_id).filter(ended_on__isnull=True):
        spouse = (
            marriage.spouse_b_id if marriage.spouse_a_id == national_id else marriage.spouse_a_id
        )
        ties[spouse] = "spouse"
    ties[national_id] = "self"
    members = Person.objects.filter(address_id=person.address_id, death_date__isnull=True)
    return {
        "national_id": national_id,
        "members": [
            _named(member)
            | {
                "birth_date": _iso(member.birth_date),
                "relationship": ties.get(member.national_id, "other"),
            }
            for member in members.order_by("birth_date", "national_id")
        ],
    }


def _latest_document(national_id: str, kind: str, missing: str) -> dict[str, Any]:
    person = _person(national_id)
    document = (
        IdentityDocument.objects.filter(holder_id=national_id, kind=kind)
        .order_by("-issued_on", "-number")
        .first()
    )
    if document is None:
        raise RecordNotFound(missing, national_id=national_id)
    return _named(person) | {
        "birth_date": _iso(person.birth_date),
        "document_number": document.number,
        "issued_on": _iso(document.issued_on),
        "expires_on": _iso(document.expires_on),
        "status": document_status(document, clock.today()),
    }


def identity_card(national_id: str) -> dict[str, Any]:
    """The person's latest identity card, with its status today."""
    return _latest_document(national_id, "id_card", "No identity card is recorded for this person.")


def passport_document(national_id: str) -> dict[str, Any]:
    """The person's latest passport, with its status today."""
    return _latest_document(national_id, "passport", "No passport is recorded for this person.")


def vehicle_record(national_id: str) -> dict[str, Any]:
    """The registrations of the vehicles the person owns (at least one)."""
    answer = vehicles_of(national_id)
    if not answer["vehicles"]:
        raise RecordNotFound("No vehicle is registered to this person.", national_id=national_id)
    return answer


def property_title(national_id: str) -> dict[str, Any]:
    """The titles the person holds a share of (at least one)."""
    answer = properties_of(national_id)
    if not answer["properties"]:
        raise RecordNotFound("No property title names this person.", national_id=national_id)
    return answer


def business_record(national_id: str) -> dict[str, Any]:
    """The register entries of the businesses the person directs or owns, dissolved ones
    included with their status (at least one)."""
    answer = businesses_of(national_id)
    if not answer["businesses"]:
        raise RecordNotFound("No business names this person.", national_id=national_id)
    return answer


def social_benefit_status(national_id: str) -> dict[str, Any]:
    """The benefit periods and the categories in force today. Someone who never received a
    benefit has no record in the benefits register."""
    answer = benefit_status(national_id)
    if not answer["benefits"]:
        raise RecordNotFound(
            "The benefits register holds no record for this person.", national_id=national_id
        )
    return answer
