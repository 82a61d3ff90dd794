from datetime import date
from decimal import Decimal

import pytest

from onestop.registries import operations
from onestop.registries.generate import population_generate
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
    PropertyTitle,
    Vehicle,
)

from .conftest import AS_OF

pytestmark = pytest.mark.django_db

HOME = {
    "street": "Mill Lane",
    "house_number": "5",
    "postcode": "10042",
    "town": "Harbourtown",
    "region": "capital",
    "latitude": "44.512340",
    "longitude": "4.601280",
}
ANNA = "85041212342"
BORIS = "83020110009"
CLARA = "12070310001"


@pytest.fixture
def family():
    """A married couple, their daughter, documents, a car, a flat, a business, a benefit."""
    home = Address.objects.create(
        id=1,
        street="Mill Lane",
        house_number="5",
        postcode="10042",
        town="Harbourtown",
        region="capital",
        latitude=Decimal("44.512340"),
        longitude=Decimal("4.601280"),
    )

    def person(national_id, given, sex, born):
        return Person.objects.create(
            national_id=national_id,
            given_name=given,
            family_name="Marsh",
            sex=sex,
            birth_date=born,
            birth_region="capital",
            birth_town="Harbourtown",
            address=home,
            language="en",
        )

    anna = person(ANNA, "Anna", "F", date(1985, 4, 12))
    boris = person(BORIS, "Boris", "M", date(1983, 2, 1))
    clara = person(CLARA, "Clara", "F", date(2012, 7, 3))
    Marriage.objects.create(
        spouse_a=boris, spouse_b=anna, married_on=date(2010, 6, 5), region="capital"
    )
    FamilyLink.objects.create(parent=anna, child=clara)
    FamilyLink.objects.create(parent=boris, child=clara)
    IdentityDocument.objects.create(
        number="C00000001",
        kind="id_card",
        holder=anna,
        issued_on=date(2020, 1, 2),
        expires_on=date(2030, 1, 2),
        status="issued",
    )
    IdentityDocument.objects.create(
        number="PA0000001",
        kind="passport",
        holder=anna,
        issued_on=date(2019, 3, 4),
        expires_on=date(2024, 3, 4),
        status="issued",
    )
    Vehicle.objects.create(
        vin="WVWZZZ1KZ9M000123",
        plate="AB-123-CD",
        make="Volkswagen",
        model="Golf",
        year=2019,
        owner=anna,
        registered_on=date(2019, 5, 6),
    )
    title = PropertyTitle.objects.create(
        parcel_number="01-0001-0001",
        kind="apartment",
        address=home,
        area_m2=74,
        registered_on=date(2011, 1, 1),
    )
    PropertyShare.objects.create(title=title, owner=anna, numerator=1, denominator=2)
    PropertyShare.objects.create(title=title, owner=boris, numerator=1, denominator=2)
    business = Business.objects.create(
        business_id="290074290",
        name="Marsh Bakery",
        legal_form="sole_trader",
        activity_code="10.71",
        activity="Bakery",
        address=home,
        registered_on=date(2015, 2, 3),
    )
    BusinessDirector.objects.create(
        business=business, person=anna, role="owner", since=date(2015, 2, 3)
    )
    Benefit.objects.create(
        person=boris, category="low_income", since=date(2020, 1, 1), until=date(2021, 1, 1)
    )
    Benefit.objects.create(person=boris, category="disability", since=date(2022, 1, 1))


def _summary(national_id, given, born):
    return {
        "national_id": national_id,
        "given_name": given,
        "family_name": "Marsh",
        "birth_date": born,
        "death_date": None,
    }


def test_person_get_returns_the_civil_record(family):
    assert operations.person_get(ANNA) == _summary(ANNA, "Anna", "1985-04-12") | {
        "sex": "F",
        "birth_place": {"region": "capital", "town": "Harbourtown"},
        "language": "en",
        "address": HOME,
    }


def test_person_address_returns_the_home(family):
    assert operations.person_address(CLARA) == {"national_id": CLARA, "address": HOME}


def test_person_family_returns_parents_children_and_marriages(family):
    assert operations.person_family(CLARA) == {
        "national_id": CLARA,
        "parents": [_summary(BORIS, "Boris", "1983-02-01"), _summary(ANNA, "Anna", "1985-04-12")],
        "children": [],
        "marriages": [],
    }
    assert operations.person_family(ANNA) == {
        "national_id": ANNA,
        "parents": [],
        "children": [_summary(CLARA, "Clara", "2012-07-03")],
        "marriages": [
            {
                "spouse": _summary(BORIS, "Boris", "1983-02-01"),
                "married_on": "2010-06-05",
                "region": "capital",
                "ended_on": None,
                "end_reason": None,
            }
        ],
    }


def test_identity_documents_tell_valid_from_expired(family, monkeypatch):
    monkeypatch.setattr(operations.clock, "today", lambda: date(2026, 6, 1))
    assert operations.identity_documents(ANNA) == {
        "national_id": ANNA,
        "documents": [
            {
                "number": "C00000001",
                "kind": "id_card",
                "issued_on": "2020-01-02",
                "expires_on": "2030-01-02",
                "status": "valid",
            },
            {
                "number": "PA0000001",
                "kind": "passport",
                "issued_on": "2019-03-04",
                "expires_on": "2024-03-04",
                "status": "expired",
            },
        ],
    }


def test_vehicles_of_and_vehicle_get_return_the_registration(family):
    car = {
        "vin": "WVWZZZ1KZ9M000123",
        "plate": "AB-123-CD",
        "make": "Volkswagen",
        "model": "Golf",
        "year": 2019,
        "owner_national_id": ANNA,
        "registered_on": "2019-05-06",
    }
    assert operations.vehicles_of(ANNA) == {"national_id": ANNA, "vehicles": [car]}
    assert operations.vehicle_get("wvwzzz1kz9m000123") == car
    assert operations.vehicles_of(BORIS) == {"national_id": BORIS, "vehicles": []}


def test_properties_of_returns_titles_with_the_owners_share(family):
    assert operations.properties_of(BORIS) == {
        "national_id": BORIS,
        "properties": [
            {
                "parcel_number": "01-0001-0001",
                "kind": "apartment",
                "area_m2": 74,
                "registered_on": "2011-01-01",
                "address": HOME,
                "share": "1/2",
            }
        ],
    }


def test_business_get_and_businesses_of_return_the_register_entry(family):
    bakery = {
        "business_id": "290074290",
        "name": "Marsh Bakery",
        "legal_form": "sole_trader",
        "activity": {"code": "10.71", "label": "Bakery"},
        "registered_address": HOME,
        "registered_on": "2015-02-03",
        "dissolved_on": None,
        "status": "active",
        "directors": [{"national_id": ANNA, "role": "owner", "since": "2015-02-03"}],
    }
    assert operations.business_get("290074290") == bakery
    assert operations.businesses_of(ANNA) == {"national_id": ANNA, "businesses": [bakery]}


def test_benefit_status_lists_periods_and_what_is_in_force(family, monkeypatch):
    monkeypatch.setattr(operations.clock, "today", lambda: date(2026, 6, 1))
    assert operations.benefit_status(BORIS) == {
        "national_id": BORIS,
        "current": ["disability"],
        "benefits": [
            {"category": "low_income", "since": "2020-01-01", "until": "2021-01-01"},
            {"category": "disability", "since": "2022-01-01", "until": None},
        ],
    }


@pytest.mark.parametrize(
    "call",
    [
        lambda: operations.person_get("00000000000"),
        lambda: operations.person_family("00000000000"),
        lambda: operations.vehicles_of("00000000000"),
        lambda: operations.vehicle_get("WVWZZZ1KZ9M000999"),
        lambda: operations.business_get("100000016"),
    ],
)
def test_unknown_records_raise_record_not_found(family, call):
    with pytest.raises(operations.RecordNotFound):
        call()


def test_operations_answer_for_every_generated_person(tiny_pack):
    # given a small generated population
    population_generate(people=80, seed=3, as_of=AS_OF, pack_dir=tiny_pack)
    # then every person's family is symmetric: a child lists the parent that lists it
    for national_id in Person.objects.values_list("national_id", flat=True):
        family = operations.person_family(national_id)
        for child in family["children"]:
            parents = operations.person_family(child["national_id"])["parents"]
            assert national_id in [parent["national_id"] for parent in parents]
        assert operations.person_get(national_id)["national_id"] == national_id
