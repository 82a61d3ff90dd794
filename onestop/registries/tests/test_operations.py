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


# --- evidence operations -------------------------------------------------------------------

DORA = "70010100006"
EVIDENCE_OPERATIONS = [
    operations.birth_record,
    operations.marriage_record,
    operations.divorce_record,
    operations.death_record,
    operations.residence_record,
    operations.family_composition,
    operations.identity_card,
    operations.passport_document,
    operations.vehicle_record,
    operations.property_title,
    operations.business_record,
    operations.social_benefit_status,
]


def _named(national_id, given):
    return {"national_id": national_id, "given_name": given, "family_name": "Marsh"}


@pytest.fixture
def boris_divorced_dora(family):
    """Boris's first marriage, to Dora, ended in divorce; Dora has died since and lived
    elsewhere; a lodger, Emil, lives with the Marshes."""
    elsewhere = Address.objects.create(
        id=2,
        street="Quay Road",
        house_number="12",
        postcode="10043",
        town="Harbourtown",
        region="capital",
        latitude=Decimal("44.5"),
        longitude=Decimal("4.6"),
    )
    dora = Person.objects.create(
        national_id=DORA,
        given_name="Dora",
        family_name="Marsh",
        sex="F",
        birth_date=date(1970, 1, 1),
        birth_region="coast",
        birth_town="Saltwick",
        death_date=date(2024, 11, 30),
        address=elsewhere,
        language="en",
    )
    Person.objects.create(
        national_id="90010100003",
        given_name="Emil",
        family_name="Stone",
        sex="M",
        birth_date=date(1990, 1, 1),
        birth_region="capital",
        birth_town="Harbourtown",
        address_id=1,
        language="en",
    )
    Marriage.objects.create(
        spouse_a=Person.objects.get(pk=BORIS),
        spouse_b=dora,
        married_on=date(2003, 5, 1),
        region="coast",
        ended_on=date(2008, 9, 1),
        end_reason="divorce",
    )


def test_birth_record_names_the_person_and_both_parents(family):
    assert operations.birth_record(CLARA) == _named(CLARA, "Clara") | {
        "sex": "F",
        "birth_date": "2012-07-03",
        "birth_region": "capital",
        "birth_town": "Harbourtown",
        "parents": [_named(BORIS, "Boris") | {"sex": "M"}, _named(ANNA, "Anna") | {"sex": "F"}],
    }
    assert operations.birth_record(ANNA)["parents"] == []


def test_marriage_record_is_the_latest_marriage_and_divorce_record_the_latest_divorce(
    boris_divorced_dora,
):
    boris_and_anna = {
        "national_id": BORIS,
        "spouse_national_id": ANNA,
        "spouse_given_name": "Anna",
        "spouse_family_name": "Marsh",
        "married_on": "2010-06-05",
        "region": "capital",
    }
    assert operations.marriage_record(BORIS) == boris_and_anna | {
        "ended_on": None,
        "end_reason": None,
    }
    assert operations.divorce_record(BORIS) == {
        "national_id": BORIS,
        "spouse_national_id": DORA,
        "spouse_given_name": "Dora",
        "spouse_family_name": "Marsh",
        "married_on": "2003-05-01",
        "region": "coast",
        "divorced_on": "2008-09-01",
    }
    assert operations.marriage_record(DORA)["end_reason"] == "divorce"
    with pytest.raises(operations.RecordNotFound, match="No divorce"):
        operations.divorce_record(ANNA)
    with pytest.raises(operations.RecordNotFound, match="No marriage"):
        operations.marriage_record(CLARA)


def test_death_record_gives_the_date_of_death_only_for_the_deceased(boris_divorced_dora):
    assert operations.death_record(DORA) == _named(DORA, "Dora") | {
        "birth_date": "1970-01-01",
        "death_date": "2024-11-30",
    }
    with pytest.raises(operations.RecordNotFound, match="No death"):
        operations.death_record(ANNA)


def test_residence_record_is_the_registered_address_without_coordinates(family):
    assert operations.residence_record(CLARA) == {
        "national_id": CLARA,
        "street": "Mill Lane",
        "house_number": "5",
        "postcode": "10042",
        "town": "Harbourtown",
        "region": "capital",
    }


def test_family_composition_lists_the_living_at_the_address_with_their_tie(boris_divorced_dora):
    def member(national_id, given, born, relationship, family_name="Marsh"):
        return {
            "national_id": national_id,
            "given_name": given,
            "family_name": family_name,
            "birth_date": born,
            "relationship": relationship,
        }

    assert operations.family_composition(ANNA) == {
        "national_id": ANNA,
        "members": [
            member(BORIS, "Boris", "1983-02-01", "spouse"),
            member(ANNA, "Anna", "1985-04-12", "self"),
            member("90010100003", "Emil", "1990-01-01", "other", "Stone"),
            member(CLARA, "Clara", "2012-07-03", "child"),
        ],
    }
    relationships = [m["relationship"] for m in operations.family_composition(CLARA)["members"]]
    assert relationships == ["parent", "parent", "other", "self"]


def test_identity_card_and_passport_are_the_latest_documents_with_their_status(family, monkeypatch):
    monkeypatch.setattr(operations.clock, "today", lambda: date(2026, 6, 1))
    holder = _named(ANNA, "Anna") | {"birth_date": "1985-04-12"}

    assert operations.identity_card(ANNA) == holder | {
        "document_number": "C00000001",
        "issued_on": "2020-01-02",
        "expires_on": "2030-01-02",
        "status": "valid",
    }
    assert operations.passport_document(ANNA) == holder | {
        "document_number": "PA0000001",
        "issued_on": "2019-03-04",
        "expires_on": "2024-03-04",
        "status": "expired",
    }
    with pytest.raises(operations.RecordNotFound, match="No identity card"):
        operations.identity_card(CLARA)
    with pytest.raises(operations.RecordNotFound, match="No passport"):
        operations.passport_document(BORIS)


def test_vehicle_property_business_and_benefit_records_need_at_least_one_entry(family):
    assert operations.vehicle_record(ANNA) == operations.vehicles_of(ANNA)
    assert operations.property_title(BORIS) == operations.properties_of(BORIS)
    assert operations.business_record(ANNA) == operations.businesses_of(ANNA)
    assert operations.social_benefit_status(BORIS) == operations.benefit_status(BORIS)
    assert len(operations.vehicle_record(ANNA)["vehicles"]) == 1
    for call, nobody in [
        (operations.vehicle_record, BORIS),
        (operations.property_title, CLARA),
        (operations.business_record, BORIS),
        (operations.social_benefit_status, ANNA),
    ]:
        with pytest.raises(operations.RecordNotFound):
            call(nobody)


@pytest.mark.parametrize("operation", EVIDENCE_OPERATIONS, ids=lambda op: op.__name__)
def test_evidence_operations_raise_record_not_found_for_an_unknown_person(family, operation):
    with pytest.raises(operations.RecordNotFound, match="No person has this national ID"):
        operation("00000000000")


def test_evidence_operations_answer_for_every_generated_person(tiny_pack):
    # given a small generated population
    population_generate(people=60, seed=5, as_of=AS_OF, pack_dir=tiny_pack)
    found = {operation.__name__: 0 for operation in EVIDENCE_OPERATIONS}
    # when every evidence operation is asked about every person
    for national_id in Person.objects.values_list("national_id", flat=True):
        for operation in EVIDENCE_OPERATIONS:
            try:
                answer = operation(national_id)
            except operations.RecordNotFound:
                continue
            found[operation.__name__] += 1
            assert answer["national_id"] == national_id
    # then each person's birth and address are on record, and every record that the generator
    # writes (it writes no divorces) is found for someone
    people = Person.objects.count()
    assert found["birth_record"] == found["residence_record"] == people
    assert found["family_composition"] == people
    assert found["death_record"] == Person.objects.exclude(death_date=None).count()
    assert found["divorce_record"] == 0
    assert all(count > 0 for name, count in found.items() if name != "divorce_record")
