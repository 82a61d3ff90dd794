"""Fixtures of people tests: a country whose pack sets the ID schemes (Luhn national IDs,
modulus-11 business IDs), a frozen clock, and persons made through the services."""

from datetime import UTC, datetime

import pytest

from onestop.core.models import CountryProfile
from onestop.people.services import organisation_upsert, person_upsert

NOW = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
NATIONAL_IDS = ["85041212342", "12011500019", "17032000022", "70010100033", "68020200041"]
BUSINESS_IDS = ["290074290", "310000019", "310000027"]


@pytest.fixture
def country(db):
    return CountryProfile.objects.create(
        code="FR",
        name={"en": "Testland"},
        languages=["en", "fr"],
        currency="EUR",
        time_zone="Europe/Paris",
        calendar={"working_week": ["mon"], "holidays": {}},
        national_id={
            "name": {"en": "Personal Identification Number", "fr": "Numéro personnel"},
            "pattern": "^[0-9]{11}$",
            "check_digit": "luhn",
            "example": "85041212342",
        },
        business_id={
            "name": {"en": "Business Identification Number"},
            "pattern": "^[0-9]{9}$",
            "check_digit": "mod11",
            "example": "290074290",
        },
    )


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("onestop.core.clock.now", lambda: NOW)
    return NOW


def person(national_id: str, given_names: str = "Amina", family_name: str = "Diallo", **more):
    made, _ = person_upsert(
        actor="test",
        national_id=national_id,
        given_names=given_names,
        family_name=family_name,
        **more,
    )
    return made


def organisation(business_id: str, name: str = "Sahel Bakery"):
    made, _ = organisation_upsert(actor="test", business_id=business_id, name=name)
    return made
