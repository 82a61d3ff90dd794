"""Evidence about another person than the applicant (`draft_subject_set`): the deceased's death
record for a funeral grant is found once their national ID is given, not found stays to upload,
a bad ID is refused on its field, and only the draft's owner or a counter operator may."""

import pytest

from onestop.applications.drafts import (
    draft_start,
    draft_subject_questions,
    draft_subject_roles,
    draft_subject_set,
)
from onestop.applications.models import Draft
from onestop.applications.tests.intake_fixtures import (
    card_holder,
    citizen_make,
    officer_make,
    operator_make,
)
from onestop.catalog.models import Agency
from onestop.centers.models import Center
from onestop.core.errors import InvalidInput, NotFound, PermissionDenied
from onestop.core.models import DomainEvent
from onestop.exchange.models import ExchangeLogEntry
from onestop.people.identifiers import identifier_mask
from onestop.registries.models import Person

pytestmark = pytest.mark.django_db
EVENT = "application.draft_subject_set"


def widow_and_deceased() -> tuple[str, str]:
    """A living applicant and a person on the civil register's deaths (the register does not
    check they were related: the agency's officer does)."""
    deceased = (
        Person.objects.exclude(death_date=None)
        .order_by("national_id")
        .values_list("national_id", flat=True)
        .first()
    )
    return card_holder(), deceased


@pytest.fixture
def grant(population, frozen):
    widow, deceased = widow_and_deceased()
    account = citizen_make(widow)
    draft = draft_start(actor=account, service_codes=["funeral-grant"])
    return account, draft, deceased


def test_the_draft_asks_for_the_deceased_person_only(grant):
    _, draft, _ = grant

    questions = draft_subject_questions(draft=draft)

    assert draft_subject_roles(draft=draft) == {"deceased": ["death-record"]}
    assert [(q.role, q.question, q.evidence_codes, q.national_id) for q in questions] == [
        ("deceased", "The deceased person's national ID number", ("death-record",), "")
    ]


def test_a_passport_asks_about_nobody_else(population, frozen):
    draft = draft_start(actor=citizen_make(card_holder()), service_codes=["passport"])

    assert draft_subject_questions(draft=draft) == []


def test_the_deceased_persons_death_record_is_found_and_prefills_the_form(grant):
    account, draft, deceased = grant
    assert draft.evidence["death-record"]["status"] == "upload"
    asked_before = set(ExchangeLogEntry.objects.values_list("pk", flat=True))

    changed = draft_subject_set(
        actor=account, draft=draft, role="deceased", national_id=f" {deceased} "
    )

    stored = Draft.objects.get(pk=draft.pk)
    death = stored.evidence["death-record"]
    assert (death["status"], death["subject"], death["reason"]) == ("found", deceased, "")
    assert death["services"] == ["funeral-grant"] and death["is_mandatory"] is True
    assert death["fields"]["national_id"]["value"] == deceased
    assert stored.subjects == {"death-record": deceased}
    assert stored.prefill["deceased_national_id"]["evidence"] == "death-record"
    assert stored.data["deceased_national_id"] == deceased
    assert stored.data["date_of_death"] == death["fields"]["death_date"]["value"]
    assert changed.evidence == stored.evidence
    # only the evidence about that person was asked again
    asked = ExchangeLogEntry.objects.exclude(pk__in=asked_before)
    assert [(row.operation, row.subject) for row in asked] == [("death-record", deceased)]
    event = DomainEvent.objects.get(name=EVENT)
    assert event.payload == {
        "role": "deceased",
        "subject": identifier_mask(deceased),
        "evidence": {"death-record": "found"},
    }
    assert deceased not in str(event.payload)
    assert draft_subject_questions(draft=stored)[0].national_id == deceased


def test_a_person_without_a_death_record_leaves_it_to_upload(grant):
    account, draft, _ = grant
    living = card_holder(1)

    draft_subject_set(actor=account, draft=draft, role="deceased", national_id=living)

    stored = Draft.objects.get(pk=draft.pk)
    death = stored.evidence["death-record"]
    assert (death["status"], death["reason"], death["subject"]) == (
        "upload",
        "not_in_registry",
        living,
    )
    assert stored.subjects == {"death-record": living}
    assert "date_of_death" not in stored.prefill


def test_forgetting_the_person_asks_again_as_at_the_start_and_drops_the_prefill(grant):
    account, draft, deceased = grant
    draft_subject_set(actor=account, draft=draft, role="deceased", national_id=deceased)

    draft_subject_set(actor=account, draft=draft, role="deceased", national_id="")

    stored = Draft.objects.get(pk=draft.pk)
    assert stored.subjects == {}
    assert stored.evidence["death-record"]["status"] == "upload"
    assert "deceased_national_id" not in stored.prefill
    assert "deceased_national_id" not in stored.data


@pytest.mark.parametrize(
    ("value", "code"), [("123", "national_id_invalid"), ("applicant", "subject_is_applicant")]
)
def test_a_bad_national_id_is_refused_on_its_field_and_nothing_changes(grant, value, code):
    account, draft, _ = grant
    value = draft.applicant_national_id if value == "applicant" else value

    with pytest.raises(InvalidInput) as refused:
        draft_subject_set(actor=account, draft=draft, role="deceased", national_id=value)

    assert (refused.value.code, refused.value.details) == (code, {"field": "subjects.deceased"})
    stored = Draft.objects.get(pk=draft.pk)
    assert stored.subjects == {} and stored.evidence == draft.evidence
    assert not DomainEvent.objects.filter(name=EVENT).exists()


def test_a_role_the_draft_does_not_ask_about_is_refused(grant):
    account, draft, deceased = grant

    with pytest.raises(InvalidInput) as refused:
        draft_subject_set(actor=account, draft=draft, role="child", national_id=deceased)

    assert (refused.value.code, refused.value.details) == (
        "subject_not_asked",
        {"field": "subjects.child"},
    )


def test_who_may_name_the_person(grant):
    account, draft, deceased = grant
    center = Center.objects.filter(kind="center").order_by("code").first()
    other_center = Center.objects.filter(kind="center").exclude(pk=center.pk).first()
    another_citizen = citizen_make(card_holder(2), contact="+33612345670")
    officer = officer_make("subjects-officer", Agency.objects.get(code="social-protection"))
    stranger_operator = operator_make("subjects-far", other_center)

    with pytest.raises(NotFound):
        draft_subject_set(actor=another_citizen, draft=draft, role="deceased", national_id=deceased)
    for staff in (officer, stranger_operator):
        with pytest.raises(PermissionDenied):
            draft_subject_set(
                actor=staff, draft=draft, role="deceased", national_id=deceased, center=center
            )
    assert not DomainEvent.objects.filter(name=EVENT).exists()

    operator = operator_make("subjects-op", center)
    draft_subject_set(
        actor=operator, draft=draft, role="deceased", national_id=deceased, center=center
    )

    assert Draft.objects.get(pk=draft.pk).evidence["death-record"]["status"] == "found"
    assert DomainEvent.objects.get(name=EVENT).actor == "staff:subjects-op"


def test_before_the_person_is_named_their_record_is_not_asked_nor_taken_as_the_applicants(grant):
    _, draft, _ = grant

    entry = draft.evidence["death-record"]

    assert (entry["status"], entry["reason"], entry["subject"]) == (
        "upload",
        "subject_not_given",
        "",
    )
    assert not ExchangeLogEntry.objects.filter(operation="death-record").exists()
