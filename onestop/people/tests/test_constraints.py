"""The database itself refuses what the services refuse, so no other path can store it."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from onestop.people.models import Mandate, MandateKind, Organisation, Person

from .conftest import BUSINESS_IDS, NATIONAL_IDS, NOW, organisation, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties(country):
    return person(NATIONAL_IDS[0]), person(NATIONAL_IDS[1], "Moussa"), organisation(BUSINESS_IDS[0])


def raw_mandate(**fields):
    values = {
        "kind": MandateKind.AUTHORISED_REPRESENTATIVE,
        "valid_from": date(2026, 1, 10),
        "granted_by": "test",
        "granted_at": NOW,
    } | fields
    with transaction.atomic():
        Mandate.objects.create(**values)


@pytest.mark.parametrize(
    "case",
    [
        "no subject",
        "two subjects",
        "ends the day it starts",
        "ends before it starts",
        "director for a person",
        "parent for a company",
        "over oneself",
    ],
)
def test_the_database_refuses_a_mandate_that_cannot_hold(parties, case):
    amina, moussa, bakery = parties
    fields = {
        "no subject": {},
        "two subjects": {"subject_person": moussa, "subject_organisation": bakery},
        "ends the day it starts": {"subject_person": moussa, "valid_until": date(2026, 1, 10)},
        "ends before it starts": {"subject_person": moussa, "valid_until": date(2026, 1, 9)},
        "director for a person": {
            "kind": MandateKind.DIRECTOR_FOR_COMPANY,
            "subject_person": moussa,
        },
        "parent for a company": {
            "kind": MandateKind.PARENT_FOR_CHILD,
            "subject_organisation": bakery,
        },
        "over oneself": {"subject_person": amina},
    }[case]

    with pytest.raises(IntegrityError):
        raw_mandate(holder=amina, **fields)

    assert Mandate.objects.count() == 0


def test_the_database_accepts_a_well_formed_mandate(parties):
    amina, moussa, _ = parties

    raw_mandate(holder=amina, subject_person=moussa, valid_until=date(2026, 1, 11))

    assert Mandate.objects.count() == 1


def test_the_database_refuses_a_second_person_with_the_same_national_id(parties):
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(
            national_id=NATIONAL_IDS[0],
            given_names="Other",
            family_name="Person",
            created_at=NOW,
            updated_at=NOW,
        )

    assert Person.objects.filter(national_id=NATIONAL_IDS[0]).count() == 1


def test_the_database_refuses_a_second_organisation_with_the_same_business_id(parties):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(
            business_id=BUSINESS_IDS[0], name="Copy", created_at=NOW, updated_at=NOW
        )

    assert Organisation.objects.filter(business_id=BUSINESS_IDS[0]).count() == 1
