import pytest

from onestop.core.contacts import contact_normalise, phone_normalise
from onestop.core.errors import InvalidInput
from onestop.core.models import CountryProfile


@pytest.mark.parametrize(
    ("value", "region", "expected"),
    [
        ("+33 6 12 34 56 78", None, "+33612345678"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("+1 (202) 555-0143", "FR", "+12025550143"),
        ("0612345678", "FR", "+33612345678"),
    ],
)
def test_phone_numbers_are_normalised_to_e164(value, region, expected):
    assert phone_normalise(value, region=region) == expected


def test_a_national_number_without_a_known_region_asks_for_the_international_form():
    with pytest.raises(InvalidInput) as raised:
        phone_normalise("06 12 34 56 78", region=None, field="phone")

    assert raised.value.details == {"field": "phone"}
    assert raised.value.message.endswith(
        "write it in international form with its country code, such as +33612345678."
    )


def test_an_impossible_number_is_rejected_naming_the_field():
    with pytest.raises(InvalidInput) as raised:
        phone_normalise("+33 1", region="FR", field="contact_phone")

    assert raised.value.details == {"field": "contact_phone"}


def test_a_fictional_country_code_requires_international_numbers(db):
    # given: the demo country "XM" is unknown to phonenumbers
    CountryProfile.objects.create(
        code="XM", name={}, languages=["en"], currency="EUR", time_zone="UTC", calendar={}
    )

    assert contact_normalise("+33612345678") == ("phone", "+33612345678")
    with pytest.raises(InvalidInput):
        contact_normalise("0612345678")


def test_a_known_country_code_reads_national_numbers(db):
    CountryProfile.objects.create(
        code="FR", name={}, languages=["fr"], currency="EUR", time_zone="UTC", calendar={}
    )

    assert contact_normalise("0612345678") == ("phone", "+33612345678")


def test_email_addresses_keep_the_local_part_and_lower_the_domain(db):
    assert contact_normalise(" Amina.D@Example.ORG ") == ("email", "Amina.D@example.org")
    with pytest.raises(InvalidInput) as raised:
        contact_normalise("amina@", field="email")
    assert raised.value.details == {"field": "email"}
