from datetime import date

import pytest

from onestop.core.errors import InvalidInput, NotFound
from onestop.people.models import MandateKind
from onestop.people.selectors import (
    mandates_held,
    mandates_over,
    organisation_get,
    person_get,
    person_may_act_for,
)
from onestop.people.services import mandate_grant, mandate_revoke

from .conftest import BUSINESS_IDS, NATIONAL_IDS, organisation, person

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)


def test_a_person_is_found_by_national_id_even_typed_with_spaces(country):
    amina = person(NATIONAL_IDS[0])

    assert person_get(national_id="850 412 123 42") == amina


def test_an_unknown_national_id_or_business_id_is_not_found(country):
    person(NATIONAL_IDS[0])
    organisation(BUSINESS_IDS[0])

    with pytest.raises(NotFound):
        person_get(national_id=NATIONAL_IDS[1])
    with pytest.raises(NotFound):
        organisation_get(business_id=BUSINESS_IDS[1])


@pytest.mark.parametrize(
    ("on", "is_revoked", "is_active"),
    [
        pytest.param(date(2026, 1, 9), False, False, id="the day before it starts"),
        pytest.param(date(2026, 1, 10), False, True, id="its first day"),
        pytest.param(date(2026, 2, 9), False, True, id="its last day"),
        pytest.param(date(2026, 2, 10), False, False, id="the day it ends"),
        pytest.param(date(2026, 1, 20), True, False, id="during, but revoked"),
    ],
)
def test_a_mandate_is_held_only_within_its_window_and_until_revoked(
    country, on, is_revoked, is_active
):
    holder, subject = person(NATIONAL_IDS[0]), person(NATIONAL_IDS[1], "Awa")
    mandate = mandate_grant(
        actor="test",
        kind=MandateKind.AUTHORISED_REPRESENTATIVE,
        holder=holder,
        subject_person=subject,
        valid_from=date(2026, 1, 10),
        valid_until=date(2026, 2, 10),
    )
    if is_revoked:
        mandate_revoke(actor="test", mandate=mandate)

    held = list(mandates_held(person=holder, on=on))

    assert held == ([mandate] if is_active else [])
    assert list(mandates_over(subject_person=subject, on=on)) == held


def test_held_mandates_come_with_their_subjects_in_one_query(country, django_assert_num_queries):
    holder = person(NATIONAL_IDS[0])
    for national_id in NATIONAL_IDS[1:3]:
        mandate_grant(
            actor="test",
            kind=MandateKind.PARENT_FOR_CHILD,
            holder=holder,
            subject_person=person(national_id, "Child"),
            valid_from=date(2020, 1, 1),
        )
    mandate_grant(
        actor="test",
        kind=MandateKind.DIRECTOR_FOR_COMPANY,
        holder=holder,
        subject_organisation=organisation(BUSINESS_IDS[0]),
        valid_from=date(2020, 1, 1),
    )

    with django_assert_num_queries(1):
        subjects = [
            (m.kind, m.subject_person or m.subject_organisation)
            for m in mandates_held(person=holder, on=TODAY)
        ]

    assert [(kind, str(subject)) for kind, subject in subjects] == [
        ("director_for_company", "Sahel Bakery"),
        ("parent_for_child", "Child Diallo"),
        ("parent_for_child", "Child Diallo"),
    ]


@pytest.fixture
def world(country):
    """Amina is Moussa's parent; Ibrahim's guardianship of Awa ended; Fatou directs the bakery;
    Omar represented Awa until revoked; Koffi is nobody to anyone."""
    amina, moussa, awa, ibrahim, fatou = (
        person(national_id, name)
        for national_id, name in zip(
            NATIONAL_IDS, ["Amina", "Moussa", "Awa", "Ibrahim", "Fatou"], strict=True
        )
    )
    omar = person("90111100054", "Omar")
    koffi = person("12345678903", "Koffi")
    bakery = organisation(BUSINESS_IDS[0])
    grants = [
        (MandateKind.PARENT_FOR_CHILD, amina, {"subject_person": moussa}, None),
        (MandateKind.PARENT_FOR_CHILD, ibrahim, {"subject_person": awa}, date(2026, 1, 1)),
        (MandateKind.DIRECTOR_FOR_COMPANY, fatou, {"subject_organisation": bakery}, None),
        (MandateKind.AUTHORISED_REPRESENTATIVE, omar, {"subject_person": awa}, None),
        (MandateKind.AUTHORISED_REPRESENTATIVE, omar, {"subject_organisation": bakery}, None),
    ]
    for kind, holder, subject, valid_until in grants:
        mandate = mandate_grant(
            actor="test",
            kind=kind,
            holder=holder,
            valid_from=date(2020, 1, 15),
            valid_until=valid_until,
            **subject,
        )
        if holder == omar:
            mandate_revoke(actor="test", mandate=mandate)
    return {
        "amina": amina,
        "moussa": moussa,
        "awa": awa,
        "ibrahim": ibrahim,
        "fatou": fatou,
        "omar": omar,
        "koffi": koffi,
        "bakery": bakery,
    }


@pytest.mark.parametrize(
    ("actor", "subject", "expected"),
    [
        pytest.param("amina", "amina", True, id="oneself"),
        pytest.param("amina", "moussa", True, id="parent for a minor child"),
        pytest.param("moussa", "amina", False, id="child for the parent"),
        pytest.param("ibrahim", "awa", False, id="parent after the mandate ended"),
        pytest.param("fatou", "bakery", True, id="director for the company"),
        pytest.param("fatou", "moussa", False, id="director for an unrelated person"),
        pytest.param("koffi", "moussa", False, id="someone unrelated for a person"),
        pytest.param("koffi", "bakery", False, id="someone unrelated for a company"),
        pytest.param("omar", "awa", False, id="revoked representative for a person"),
        pytest.param("omar", "bakery", False, id="revoked representative for a company"),
        pytest.param("amina", "bakery", False, id="parent for a company"),
    ],
)
def test_who_may_act_for_whom(world, actor, subject, expected):
    target = world[subject]
    key = "subject_organisation" if subject == "bakery" else "subject_person"

    assert person_may_act_for(actor_person=world[actor], on=TODAY, **{key: target}) is expected


def test_the_parent_could_act_before_the_mandate_ended(world):
    assert person_may_act_for(
        actor_person=world["ibrahim"], subject_person=world["awa"], on=date(2025, 12, 31)
    )


def test_asking_without_exactly_one_subject_is_refused(world):
    with pytest.raises(InvalidInput) as raised:
        person_may_act_for(
            actor_person=world["fatou"],
            subject_person=world["amina"],
            subject_organisation=world["bakery"],
            on=TODAY,
        )

    assert raised.value.details == {"field": "subject"}
