"""Evidence seen at a counter is kept on the draft (`draft_evidence_checked_set`): who may mark
it, what it records, unmarking, what cannot be marked, and the submission reading it back."""

import pytest
from django.contrib.auth.models import AnonymousUser

from onestop.applications.drafts import (
    draft_evidence_checked,
    draft_evidence_checked_set,
    draft_save_step,
    draft_start,
)
from onestop.applications.intake import Consent, application_submit
from onestop.applications.models import ApplicationEvidence, Draft
from onestop.applications.tests.intake_fixtures import (
    NOW,
    PASSPORT_ANSWERS,
    card_holder,
    citizen_make,
    officer_make,
    operator_make,
)
from onestop.catalog.models import Agency
from onestop.centers.models import Center
from onestop.core.errors import InvalidInput, PermissionDenied
from onestop.core.models import DomainEvent

pytestmark = pytest.mark.django_db
EVENT = "application.draft_evidence_checked"


@pytest.fixture
def desk(population, frozen):
    center = Center.objects.filter(kind="center").order_by("code").first()
    operator = operator_make("counter-op", center)
    draft = draft_start(
        actor=operator,
        service_codes=["passport"],
        channel="center",
        center=center,
        applicant_national_id=card_holder(),
    )
    return center, operator, draft


def test_an_operator_marks_a_document_as_seen_with_their_name_and_the_time(desk):
    _, operator, draft = desk

    marked = draft_evidence_checked_set(actor=operator, draft=draft, codes=["photo"])

    stored = Draft.objects.get(pk=draft.pk)
    assert stored.evidence["photo"]["checked_at_counter"] == {
        "by": "staff:counter-op",
        "at": NOW.isoformat(),
    }
    assert "checked_at_counter" not in stored.evidence["identity-card"]
    assert draft_evidence_checked(draft=stored) == ["photo"] == draft_evidence_checked(draft=marked)
    event = DomainEvent.objects.get(name=EVENT)
    assert event.actor == "staff:counter-op"
    assert event.payload == {"checked": ["photo"], "unchecked": []}
    assert event.entity_id == str(draft.pk)


def test_a_document_left_out_is_unmarked_and_the_same_marks_again_change_nothing(desk):
    _, operator, draft = desk
    draft_evidence_checked_set(actor=operator, draft=draft, codes=["photo"])
    draft_evidence_checked_set(actor=operator, draft=draft, codes=["photo"])

    draft_evidence_checked_set(actor=operator, draft=draft, codes=[])

    stored = Draft.objects.get(pk=draft.pk)
    assert "checked_at_counter" not in stored.evidence["photo"]
    assert draft_evidence_checked(draft=stored) == []
    payloads = sorted(str(event.payload) for event in DomainEvent.objects.filter(name=EVENT))
    assert payloads == [
        str({"checked": ["photo"], "unchecked": []}),
        str({"checked": [], "unchecked": ["photo"]}),
    ]


def test_another_operator_of_the_center_sees_the_mark_and_keeps_its_first_time(desk):
    center, operator, draft = desk
    colleague = operator_make("colleague-op", center)
    draft_evidence_checked_set(actor=operator, draft=draft, codes=["photo"])

    draft_evidence_checked_set(actor=colleague, draft=draft, codes=["photo"], center=center)

    mark = Draft.objects.get(pk=draft.pk).evidence["photo"]["checked_at_counter"]
    assert mark == {"by": "staff:counter-op", "at": NOW.isoformat()}


@pytest.mark.parametrize(
    "who", ["citizen", "operator_of_another_center", "center_manager", "officer", "anonymous"]
)
def test_only_an_operator_of_the_center_may_mark_a_document(desk, who):
    center, _, draft = desk
    other = Center.objects.filter(kind="center").exclude(pk=center.pk).order_by("code").first()
    actor = {
        "citizen": lambda: citizen_make(draft.applicant_national_id),
        "operator_of_another_center": lambda: operator_make("other-op", other),
        "center_manager": lambda: operator_make("manager", center, role="center_manager"),
        "officer": lambda: officer_make("officer", Agency.objects.get(code="migration-service")),
        "anonymous": AnonymousUser,
    }[who]()

    with pytest.raises(PermissionDenied):
        draft_evidence_checked_set(actor=actor, draft=draft, codes=["photo"])

    assert draft_evidence_checked(draft=Draft.objects.get(pk=draft.pk)) == []
    assert not DomainEvent.objects.filter(name=EVENT).exists()


@pytest.mark.parametrize("code", ["identity-card", "no-such-document"])
def test_evidence_a_registry_gave_or_the_draft_lacks_cannot_be_marked(desk, code):
    _, operator, draft = desk

    with pytest.raises(InvalidInput) as refused:
        draft_evidence_checked_set(actor=operator, draft=draft, codes=["photo", code])

    assert refused.value.code == "evidence_not_checkable"
    assert refused.value.details["field"] == f"evidence.{code}"
    assert code in refused.value.message
    assert draft_evidence_checked(draft=Draft.objects.get(pk=draft.pk)) == []
    assert not DomainEvent.objects.filter(name=EVENT).exists()


def test_the_submission_files_what_the_draft_keeps_as_seen(desk):
    center, operator, draft = desk
    draft = draft_save_step(draft=draft, step="passport", answers=PASSPORT_ANSWERS).draft
    draft = draft_evidence_checked_set(actor=operator, draft=draft, codes=["photo"])

    application = application_submit(
        actor=operator,
        draft=draft,
        idempotency_key="counter-1",
        center=center,
        consent=Consent(method="signed_form"),
        evidence_checked_at_counter=draft_evidence_checked(draft=draft),
    )

    photo = ApplicationEvidence.objects.get(application=application, evidence_code="photo")
    assert photo.status == "checked_at_counter"
    with pytest.raises(InvalidInput) as refused:
        draft_evidence_checked_set(actor=operator, draft=draft, codes=[])
    assert refused.value.code == "draft_submitted"
