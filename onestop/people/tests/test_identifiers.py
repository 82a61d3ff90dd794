import pytest
from django.utils import translation

from onestop.core.errors import InvalidInput
from onestop.core.models import CountryProfile, DomainEvent
from onestop.people.identifiers import identifier_clean, identifier_mask
from onestop.people.models import Organisation, Person
from onestop.people.services import organisation_upsert, person_upsert

pytestmark = pytest.mark.django_db


def test_a_valid_national_id_is_accepted_without_its_spaces(country):
    assert identifier_clean("national_id", " 850412 12342 ") == "85041212342"


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("85041212343", id="bad check digit"),
        pytest.param("8504121234", id="ten digits"),
        pytest.param("8504121234A", id="a letter"),
        pytest.param("", id="blank"),
    ],
)
def test_a_bad_national_id_is_refused_naming_the_field_the_scheme_and_an_example(country, value):
    with pytest.raises(InvalidInput) as raised:
        person_upsert(actor="test", national_id=value, given_names="Amina", family_name="Diallo")

    assert raised.value.details == {"field": "national_id"}
    assert raised.value.code == "national_id_invalid"
    assert raised.value.message == (
        "This is not a valid Personal Identification Number; check every digit. "
        "It looks like 85041212342."
    )
    assert (Person.objects.count(), DomainEvent.objects.count()) == (0, 0)


def test_the_scheme_name_follows_the_active_language(country):
    with translation.override("fr"), pytest.raises(InvalidInput) as raised:
        identifier_clean("national_id", "85041212343")

    assert "Numéro personnel" in raised.value.message


@pytest.mark.parametrize(
    "value", [pytest.param("290074291", id="bad check digit"), pytest.param("29007429", id="short")]
)
def test_a_bad_business_id_is_refused_naming_the_field_and_an_example(country, value):
    with pytest.raises(InvalidInput) as raised:
        organisation_upsert(actor="test", business_id=value, name="Sahel Bakery")

    assert raised.value.details == {"field": "business_id"}
    assert raised.value.message == (
        "This is not a valid Business Identification Number; check every digit. "
        "It looks like 290074290."
    )
    assert (Organisation.objects.count(), DomainEvent.objects.count()) == (0, 0)


def test_a_valid_business_id_is_accepted(country):
    assert identifier_clean("business_id", "290074290") == "290074290"


def test_without_a_country_pack_any_non_blank_id_is_accepted_and_a_blank_one_refused(db):
    assert not CountryProfile.objects.exists()

    assert identifier_clean("national_id", "AB-12") == "AB-12"
    with pytest.raises(InvalidInput) as raised:
        identifier_clean("national_id", "  ")
    assert raised.value.message == "This is not a valid national ID; check every digit."


@pytest.mark.parametrize(
    ("value", "masked"),
    [("12345678903", "123******03"), ("85041212342", "850******42"), ("1234567", "*******")],
)
def test_ids_are_masked_keeping_three_leading_and_two_trailing_characters(value, masked):
    assert identifier_mask(value) == masked
