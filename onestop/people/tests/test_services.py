import json
from datetime import date, timedelta

import pytest

from onestop.core.errors import InvalidInput
from onestop.core.models import AuditRecord, DomainEvent
from onestop.people.models import Mandate, MandateKind, Person
from onestop.people.services import (
    mandate_grant,
    mandate_revoke,
    organisation_upsert,
    person_upsert,
)

from .conftest import BUSINESS_IDS, NATIONAL_IDS, NOW, organisation, person

pytestmark = pytest.mark.django_db
AMINA, MOUSSA, AWA = NATIONAL_IDS[:3]


def upsert_amina(**changes):
    values = {
        "actor": "staff:clerk",
        "national_id": AMINA,
        "given_names": "Amina",
        "family_name": "Diallo",
        "birth_date": date(1985, 4, 12),
        "preferred_language": "fr",
        "phone": "06 12 34 56 78",
        "email": "Amina.Diallo@Example.ORG",
    } | changes
    return person_upsert(**values)


def test_a_new_person_is_created_with_normalised_contacts_and_a_masked_event(country, frozen):
    amina, changed = upsert_amina()

    assert changed is True
    stored = Person.objects.get()
    assert (stored.pk, stored.national_id, stored.phone, stored.email) == (
        amina.pk,
        AMINA,
        "+33612345678",
        "Amina.Diallo@example.org",
    )
    assert (stored.birth_date, stored.preferred_language, stored.created_at) == (
        date(1985, 4, 12),
        "fr",
        NOW,
    )
    event = DomainEvent.objects.get()
    assert (event.name, event.actor, event.entity_id) == (
        "people.person_created",
        "staff:clerk",
        str(amina.pk),
    )
    assert event.payload == {
        "national_id": "850******42",
        "fields": [
            "birth_date",
            "email",
            "family_name",
            "given_names",
            "phone",
            "preferred_language",
        ],
    }


def test_upserting_the_same_person_again_changes_nothing_and_records_no_event(country, frozen):
    first, _ = upsert_amina()

    again, changed = upsert_amina(phone="+33612345678", national_id="850 412 12342")

    assert (changed, again.pk) == (False, first.pk)
    assert Person.objects.count() == 1
    assert DomainEvent.objects.count() == 1


def test_an_update_records_only_the_names_of_the_fields_that_changed(country, frozen, monkeypatch):
    upsert_amina()
    later = NOW + timedelta(days=1)
    monkeypatch.setattr("onestop.core.clock.now", lambda: later)

    amina, changed = upsert_amina(phone="+33699887766", email="")

    assert changed is True
    stored = Person.objects.get()
    assert (stored.phone, stored.email, stored.created_at, stored.updated_at) == (
        "+33699887766",
        "",
        NOW,
        later,
    )
    event = DomainEvent.objects.order_by("occurred_at", "id").last()
    assert (event.name, event.payload) == (
        "people.person_updated",
        {"national_id": "850******42", "fields": ["email", "phone"]},
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "12"}, "phone"),
        ({"email": "amina@"}, "email"),
        ({"preferred_language": "ru"}, "preferred_language"),
        ({"family_name": "  "}, "family_name"),
    ],
)
def test_bad_person_details_are_refused_naming_the_field(country, changes, field):
    with pytest.raises(InvalidInput) as raised:
        upsert_amina(**changes)

    assert raised.value.details == {"field": field}
    assert (Person.objects.count(), DomainEvent.objects.count()) == (0, 0)


def test_an_organisation_is_created_once_and_renamed_with_an_event(country, frozen):
    bakery, created = organisation_upsert(
        actor="test", business_id=BUSINESS_IDS[0], name="Sahel Bakery", legal_form="SARL"
    )
    same, unchanged = organisation_upsert(
        actor="test", business_id=BUSINESS_IDS[0], name="Sahel Bakery", legal_form="SARL"
    )
    renamed, renamed_changed = organisation_upsert(
        actor="test", business_id=BUSINESS_IDS[0], name="Sahel Bakeries", legal_form="SARL"
    )

    assert (created, unchanged, renamed_changed) == (True, False, True)
    assert bakery.pk == same.pk == renamed.pk
    assert [(e.name, e.payload) for e in DomainEvent.objects.order_by("id")] == [
        (
            "people.organisation_created",
            {"business_id": "290074290", "fields": ["legal_form", "name"]},
        ),
        ("people.organisation_updated", {"business_id": "290074290", "fields": ["name"]}),
    ]


@pytest.fixture
def family(country, frozen):
    return person(AMINA), person(MOUSSA, "Moussa", birth_date=date(2020, 1, 15))


def test_a_mandate_is_granted_with_an_event_naming_people_only_by_masked_ids(family):
    parent, child = family

    mandate = mandate_grant(
        actor="staff:clerk",
        kind=MandateKind.PARENT_FOR_CHILD,
        holder=parent,
        subject_person=child,
        valid_from=date(2020, 1, 15),
        valid_until=date(2038, 1, 15),
        evidence="Birth record 2020/0042",
    )

    stored = Mandate.objects.get()
    assert (stored.pk, stored.holder, stored.subject_person, stored.subject_organisation) == (
        mandate.pk,
        parent,
        child,
        None,
    )
    assert (stored.granted_by, stored.granted_at, stored.revoked_at) == ("staff:clerk", NOW, None)
    event = DomainEvent.objects.get(name="people.mandate_granted")
    assert event.payload == {
        "kind": "parent_for_child",
        "holder_national_id": "850******42",
        "subject_national_id": "120******19",
        "valid_from": "2020-01-15",
        "valid_until": "2038-01-15",
    }


def test_granting_an_identical_live_mandate_again_returns_it_without_an_event(family):
    parent, child = family
    terms = {
        "actor": "test",
        "kind": MandateKind.PARENT_FOR_CHILD,
        "holder": parent,
        "subject_person": child,
        "valid_from": date(2020, 1, 15),
    }
    first = mandate_grant(**terms)

    again = mandate_grant(**terms)

    assert again.pk == first.pk
    assert Mandate.objects.count() == 1
    assert DomainEvent.objects.filter(name="people.mandate_granted").count() == 1


@pytest.mark.parametrize(
    ("kind", "subjects", "valid_until", "field"),
    [
        (MandateKind.PARENT_FOR_CHILD, "child", date(2020, 1, 15), "valid_until"),
        (MandateKind.PARENT_FOR_CHILD, "child", date(2019, 1, 1), "valid_until"),
        (MandateKind.AUTHORISED_REPRESENTATIVE, "both", None, "subject"),
        (MandateKind.AUTHORISED_REPRESENTATIVE, "none", None, "subject"),
        (MandateKind.DIRECTOR_FOR_COMPANY, "child", None, "kind"),
        (MandateKind.PARENT_FOR_CHILD, "company", None, "kind"),
        (MandateKind.AUTHORISED_REPRESENTATIVE, "self", None, "subject"),
        ("guardian", "child", None, "kind"),
    ],
)
def test_a_mandate_that_cannot_hold_is_refused_and_nothing_is_stored(
    family, kind, subjects, valid_until, field
):
    parent, child = family
    company = organisation(BUSINESS_IDS[0])
    subject = {
        "child": {"subject_person": child},
        "self": {"subject_person": parent},
        "company": {"subject_organisation": company},
        "both": {"subject_person": child, "subject_organisation": company},
        "none": {},
    }[subjects]
    events_before = DomainEvent.objects.count()

    with pytest.raises(InvalidInput) as raised:
        mandate_grant(
            actor="test",
            kind=kind,
            holder=parent,
            valid_from=date(2020, 1, 15),
            valid_until=valid_until,
            **subject,
        )

    assert raised.value.details == {"field": field}
    assert Mandate.objects.count() == 0
    assert DomainEvent.objects.count() == events_before


def test_revoking_a_mandate_stamps_it_once_and_keeps_the_reason_out_of_the_event(family):
    parent, child = family
    mandate = mandate_grant(
        actor="test",
        kind=MandateKind.AUTHORISED_REPRESENTATIVE,
        holder=parent,
        subject_person=child,
        valid_from=date(2025, 1, 1),
    )

    revoked = mandate_revoke(actor="staff:clerk", mandate=mandate, reason="Court order 12/2026")
    again = mandate_revoke(actor="staff:other", mandate=mandate, reason="twice")

    stored = Mandate.objects.get()
    assert (stored.revoked_at, stored.revoked_by, stored.revocation_reason) == (
        NOW,
        "staff:clerk",
        "Court order 12/2026",
    )
    assert (revoked.revoked_at, again.revoked_by) == (NOW, "staff:clerk")
    event = DomainEvent.objects.get(name="people.mandate_revoked")
    assert (event.actor, event.payload) == (
        "staff:clerk",
        {
            "kind": "authorised_representative",
            "holder_national_id": "850******42",
            "subject_national_id": "120******19",
        },
    )


def test_no_audit_record_or_event_payload_holds_a_full_national_id(family):
    parent, child = family
    company = organisation(BUSINESS_IDS[1])
    upsert_amina(phone="+33699887766")
    mandate = mandate_grant(
        actor="test",
        kind=MandateKind.PARENT_FOR_CHILD,
        holder=parent,
        subject_person=child,
        valid_from=date(2020, 1, 15),
    )
    mandate_grant(
        actor="test",
        kind=MandateKind.DIRECTOR_FOR_COMPANY,
        holder=parent,
        subject_organisation=company,
        valid_from=date(2024, 6, 1),
    )
    mandate_revoke(actor="test", mandate=mandate)

    texts = [json.dumps(data) for data in AuditRecord.objects.values_list("data", flat=True)]
    texts += [json.dumps(data) for data in DomainEvent.objects.values_list("payload", flat=True)]

    assert len(texts) == 2 * 7
    for national_id in (AMINA, MOUSSA):
        assert not [text for text in texts if national_id in text]
    assert not [text for text in texts if "+33699887766" in text or "Diallo" in text]
