"""Applying end to end: a draft prefilled once-only, uploads, submission (idempotent, also
under a race), a registry outage, an operator on a citizen's behalf, acknowledgement."""

import pytest

from onestop.applications import jobs
from onestop.applications.attachments import attachment_upload
from onestop.applications.drafts import draft_get_for, draft_save_step, draft_start
from onestop.applications.intake import ApplicationInputs, Consent, application_submit
from onestop.applications.models import (
    AgencyTask,
    Application,
    ApplicationEvidence,
    Draft,
    EvidenceStatus,
)
from onestop.applications.subscribers import application_acknowledge
from onestop.applications.tests.intake_fixtures import (
    NOW,
    PASSPORT_ANSWERS,
    card_holder,
    citizen_make,
    operator_make,
)
from onestop.centers.models import Center
from onestop.core.errors import InvalidInput, NotFound, PermissionDenied
from onestop.core.models import DomainEvent
from onestop.exchange import client
from onestop.exchange.transports import Answer
from onestop.notifications.models import Notification

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class DownTransport:
    def fetch(self, **kwargs):
        return Answer("pending", {})


@pytest.fixture
def applicant(population, frozen):
    national_id = card_holder()
    return citizen_make(national_id), national_id


def passport_draft(account, **options):
    draft = draft_start(actor=account, service_codes=["passport"], **options)
    draft = draft_save_step(draft=draft, step="passport", answers=PASSPORT_ANSWERS).draft
    return attachment_upload(draft=draft, evidence_code="photo", file_name="me.png", content=PNG)


def test_a_draft_holds_found_evidence_with_provenance_and_what_to_upload(applicant):
    account, national_id = applicant

    draft = draft_start(actor=account, service_codes=["passport"])

    statuses = {code: entry["status"] for code, entry in draft.evidence.items()}
    assert statuses["identity-card"] == "found"
    assert statuses["birth-record"] == "found"
    assert statuses["photo"] == "upload"
    birth = draft.evidence["birth-record"]
    assert birth["source"] == "/r1/XM/GOV/civil/birth-record"
    assert birth["fields"]["birth_date"]["request_id"] == birth["request_id"]
    assert draft.applicant_national_id == national_id
    assert draft.channel == "online"
    assert DomainEvent.objects.filter(name="application.draft_started").count() == 1


def test_a_step_saves_invalid_input_with_its_errors(applicant):
    account, _ = applicant
    draft = draft_start(actor=account, service_codes=["passport"])

    result = draft_save_step(
        draft=draft, step="passport", answers={"passport_reason": "bored", "delivery_method": ""}
    )

    assert result.draft.data["passport_reason"] == "bored"
    assert set(result.errors) == {"passport_reason", "preferred_center", "delivery_method"}
    assert Draft.objects.get(pk=draft.pk).errors == result.errors


def test_submission_creates_the_application_its_evidence_and_tasks(applicant):
    account, national_id = applicant
    draft = passport_draft(account)

    application = application_submit(actor=account, draft=draft, idempotency_key="k1")

    assert len(application.tracking_number) == 10
    assert application.applicant_national_id == national_id
    assert application.channel == "online"
    assert application.contact_phone == "+33612345678"
    assert application.applicant_birth_date is not None
    evidence = dict(
        ApplicationEvidence.objects.filter(application=application).values_list(
            "evidence_code", "status"
        )
    )
    assert evidence["photo"] == EvidenceStatus.UPLOADED
    assert evidence["identity-card"] == EvidenceStatus.FOUND
    task = AgencyTask.objects.get(application=application)
    assert task.agency.code == "migration-service"
    assert task.state == "queued" and task.sla_working_days == 15
    names = list(
        DomainEvent.objects.filter(name__in=["application.submitted", "task.created"])
        .order_by("occurred_at", "id")
        .values_list("name", flat=True)
    )
    assert names == ["application.submitted", "task.created"]


def test_a_retried_submit_returns_the_same_application(applicant):
    account, _ = applicant
    draft = passport_draft(account)

    first = application_submit(actor=account, draft=draft, idempotency_key="same")
    again = application_submit(actor=account, draft=draft, idempotency_key="same")

    assert again.pk == first.pk
    assert Application.objects.count() == 1
    assert AgencyTask.objects.count() == 1


def test_a_submitted_draft_submitted_again_under_another_key_returns_its_application(applicant):
    account, _ = applicant
    draft = passport_draft(account)

    first = application_submit(actor=account, draft=draft, idempotency_key="one")
    second = application_submit(actor=account, draft=draft, idempotency_key="two")

    assert second.pk == first.pk
    assert Application.objects.count() == 1


def test_missing_mandatory_evidence_names_it_and_creates_nothing(applicant):
    account, _ = applicant
    draft = draft_start(actor=account, service_codes=["passport"])
    draft = draft_save_step(draft=draft, step="passport", answers=PASSPORT_ANSWERS).draft

    with pytest.raises(InvalidInput) as caught:
        application_submit(actor=account, draft=draft, idempotency_key="k")

    assert caught.value.code == "evidence_missing"
    assert caught.value.details["field"] == "evidence.photo"
    assert "PDF, JPEG or PNG" in caught.value.message
    assert Application.objects.count() == 0
    assert not DomainEvent.objects.filter(name="application.submitted").exists()


def test_an_invalid_form_is_refused_with_every_field(applicant):
    account, _ = applicant
    draft = draft_start(actor=account, service_codes=["passport"])

    with pytest.raises(InvalidInput) as caught:
        application_submit(actor=account, draft=draft, idempotency_key="k")

    assert caught.value.code == "form_invalid"
    assert set(caught.value.details["errors"]) == {
        "passport_reason",
        "preferred_center",
        "delivery_method",
    }
    assert Application.objects.count() == 0


def test_a_registry_outage_leaves_evidence_pending_and_the_job_fetches_it(
    applicant, monkeypatch, frozen
):
    account, _ = applicant
    real = client.transport_for
    monkeypatch.setattr(
        client, "transport_for", lambda r: DownTransport() if r == "civil" else real(r)
    )
    draft = passport_draft(account)
    assert draft.evidence["birth-record"]["status"] == "pending"

    application = application_submit(actor=account, draft=draft, idempotency_key="k")

    row = ApplicationEvidence.objects.get(application=application, evidence_code="birth-record")
    assert row.status == EvidenceStatus.PENDING
    assert application.status == "submitted"

    jobs.evidence_pending_retry()  # still down: asked again later
    row.refresh_from_db()
    assert (row.status, row.attempts) == (EvidenceStatus.PENDING, 1)
    assert row.next_attempt_at > NOW

    monkeypatch.setattr(client, "transport_for", real)
    frozen.advance(minutes=10)
    jobs.evidence_pending_retry()

    row.refresh_from_db()
    assert row.status == EvidenceStatus.FOUND
    assert row.fields["birth_date"]["source"] == "/r1/XM/GOV/civil/birth-record"
    event = DomainEvent.objects.get(name="application.evidence_resolved")
    assert event.payload["status"] == "found"


def test_the_retry_gives_up_after_the_last_attempt(applicant, monkeypatch, settings):
    settings.ONESTOP_EVIDENCE_RETRY_MAX_ATTEMPTS = 2
    account, _ = applicant
    monkeypatch.setattr(client, "transport_for", lambda r: DownTransport())
    draft = draft_start(actor=account, service_codes=["passport"])
    draft = draft_save_step(draft=draft, step="passport", answers=PASSPORT_ANSWERS).draft
    draft = attachment_upload(draft=draft, evidence_code="photo", file_name="p.png", content=PNG)
    application = application_submit(actor=account, draft=draft, idempotency_key="k")

    for _ in range(3):
        jobs.evidence_pending_retry()
        frozen_advance = ApplicationEvidence.objects.filter(application=application)
        frozen_advance.update(next_attempt_at=NOW)

    statuses = set(
        ApplicationEvidence.objects.filter(
            application=application, evidence_code__in=["birth-record", "identity-card"]
        ).values_list("status", flat=True)
    )
    assert statuses == {EvidenceStatus.MISSING}


def test_the_acknowledgement_goes_to_the_contact_in_the_applications_language(applicant):
    account, _ = applicant
    draft = passport_draft(account, language="fr")
    application = application_submit(actor=account, draft=draft, idempotency_key="k")
    event = DomainEvent.objects.get(name="application.submitted")

    application_acknowledge(event)
    application_acknowledge(event)  # a redelivery sends nothing more

    sent = Notification.objects.filter(kind="application_acknowledged", channel="sms")
    assert sent.count() == 1
    message = sent.get()
    assert message.language == "fr"
    assert application.tracking_number in message.body_text
    assert "votre demande" in message.body_text


def test_explicit_inputs_submit_in_one_call(applicant):
    account, _ = applicant
    inputs = ApplicationInputs(service_codes=["health-insurance-card"], answers={})

    with pytest.raises(InvalidInput):
        application_submit(actor=account, inputs=inputs, idempotency_key="api-1")

    assert Application.objects.count() == 0


# --- On a citizen's behalf ---------------------------------------------------------------------


@pytest.fixture
def counter(population):
    return Center.objects.order_by("code").first()


def test_an_operator_files_with_consent_and_checks_documents_at_the_counter(applicant, counter):
    account, national_id = applicant
    operator = operator_make("op1", counter)
    draft = draft_start(
        actor=operator,
        service_codes=["passport"],
        applicant_national_id=national_id,
        channel="center",
        center=counter,
    )
    draft = draft_save_step(draft=draft, step="passport", answers=PASSPORT_ANSWERS).draft

    application = application_submit(
        actor=operator,
        draft=draft,
        idempotency_key="desk-1",
        consent=Consent(method="signed_form"),
        evidence_checked_at_counter=["photo"],
        contact_phone="+33 6 12 34 56 79",
    )

    assert application.filed_by == operator
    assert application.consent_method == "signed_form"
    assert application.consent_recorded_at == NOW
    assert application.channel == "center" and application.center == counter
    assert application.submitted_by == "staff:op1"
    photo = ApplicationEvidence.objects.get(application=application, evidence_code="photo")
    assert photo.status == EvidenceStatus.CHECKED_AT_COUNTER
    event = DomainEvent.objects.get(name="application.submitted")
    assert event.actor == "staff:op1" and event.channel == "center"
    assert event.on_behalf_of.startswith(national_id[:3]) and "*" in event.on_behalf_of


def test_an_operator_without_consent_is_refused(applicant, counter):
    _, national_id = applicant
    operator = operator_make("op2", counter)
    draft = draft_start(
        actor=operator,
        service_codes=["passport"],
        applicant_national_id=national_id,
        channel="center",
        center=counter,
    )

    with pytest.raises(InvalidInput) as caught:
        application_submit(actor=operator, draft=draft, idempotency_key="x")

    assert caught.value.details["field"] in {"consent", "passport_reason"}
    assert Application.objects.count() == 0


@pytest.mark.parametrize("role", ["agency_officer", "center_manager", None])
def test_only_a_front_office_operator_of_the_center_files_on_behalf(applicant, counter, role):
    from django.contrib.auth import get_user_model

    _, national_id = applicant
    other = Center.objects.exclude(pk=counter.pk).order_by("code").first()
    user = operator_make("wrong", counter, role=role) if role else operator_make("elsewhere", other)
    assert isinstance(user, get_user_model())

    with pytest.raises(PermissionDenied):
        draft_start(
            actor=user,
            service_codes=["passport"],
            applicant_national_id=national_id,
            channel="center",
            center=counter,
        )
    assert Draft.objects.count() == 0


def test_an_operator_resumes_a_citizens_draft_with_its_code_and_national_id(applicant, counter):
    account, national_id = applicant
    draft = draft_start(actor=account, service_codes=["passport"])
    operator = operator_make("op3", counter)

    found = draft_get_for(
        actor=operator,
        resume_code=draft.resume_code.lower(),
        applicant_national_id=national_id,
        center=counter,
    )

    assert found.pk == draft.pk
    with pytest.raises(NotFound):
        draft_get_for(
            actor=operator,
            resume_code=draft.resume_code,
            applicant_national_id="0" * 11,
            center=counter,
        )
    with pytest.raises(NotFound):
        draft_get_for(actor=operator, draft_id=draft.pk)


def test_another_citizen_cannot_open_a_draft(applicant):
    account, _ = applicant
    draft = draft_start(actor=account, service_codes=["passport"])
    stranger = citizen_make(card_holder(1), contact="+33699999999")

    with pytest.raises(NotFound):
        draft_get_for(actor=stranger, draft_id=draft.pk)
    with pytest.raises(NotFound):
        draft_get_for(actor=stranger, resume_code=draft.resume_code)
    assert draft_get_for(actor=account, resume_code=draft.resume_code).pk == draft.pk


def test_expired_drafts_are_deleted_by_the_job(applicant, frozen, settings):
    account, _ = applicant
    draft = passport_draft(account)
    path = draft.evidence["photo"]["file"]["path"]
    from django.core.files.storage import default_storage

    assert default_storage.exists(path)
    frozen.advance(days=settings.ONESTOP_DRAFT_DAYS + 1)

    jobs.drafts_expired_delete()

    assert not Draft.objects.filter(pk=draft.pk).exists()
    assert not default_storage.exists(path)


# --- Speed -------------------------------------------------------------------------------------


def test_submit_of_a_five_evidence_service_takes_a_bounded_number_of_queries(
    applicant, django_assert_max_num_queries
):
    account, _ = applicant
    draft = draft_start(actor=account, service_codes=["child-allowance"])
    draft.data = {
        "child_given_names": "Ann",
        "child_family_name": "Lee",
        "child_date_of_birth": "2026-01-02",
        "iban": "XM12345678901234567890",
    }
    evidence = dict(draft.evidence)
    for entry in evidence.values():
        entry["status"] = "found"
    draft.evidence = evidence
    draft.save()
    assert len(draft.evidence) == 5

    # 33: task.created's webhook subscriber (integrations) adds one queued task row per task.
    with django_assert_max_num_queries(33):
        application_submit(actor=account, draft=draft, idempotency_key="fast")


# --- A life-event bundle -----------------------------------------------------------------------


def valid_answer(schema):
    """A value the field's schema accepts (enough for a bundle's whole form)."""
    import warnings

    from hypothesis import strategies as st
    from hypothesis.errors import NonInteractiveExampleWarning

    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind in {"integer", "number"}:
        return schema.get("minimum", 1)
    if kind == "boolean":
        return True
    if kind == "array":
        return [valid_answer(schema.get("items", {"type": "string"}))]
    if schema.get("format") == "date":
        return "2026-05-04"
    if schema.get("format") == "email":
        return "someone@example.com"
    if "pattern" in schema:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NonInteractiveExampleWarning)
            strategy = st.from_regex(schema["pattern"], fullmatch=True, alphabet="ABC0123456789")
            return strategy.filter(lambda text: len(text) >= schema.get("minLength", 0)).example()
    return "x" * max(schema.get("minLength", 1), 1)


def test_a_life_event_bundle_asks_shared_fields_once_and_makes_one_task_per_service(applicant):
    from onestop.applications.drafts import draft_form
    from onestop.catalog.models import LifeEvent

    account, _ = applicant
    event = LifeEvent.objects.get(code="getting-married")
    draft = draft_start(actor=account, life_event_code="getting-married")
    form = draft_form(draft=draft, language="en")
    answers = {f.name: valid_answer(f.schema) for f in form.fields if f.is_required}
    draft = draft_save_step(draft=draft, step="check", answers=answers).draft
    assert draft.errors == {}
    for code, entry in draft.evidence.items():
        if entry["status"] == "upload" and entry["is_mandatory"]:
            draft = attachment_upload(
                draft=draft, evidence_code=code, file_name=f"{code}.png", content=PNG
            )

    application = application_submit(actor=account, draft=draft, idempotency_key="bundle")

    services = list(
        AgencyTask.objects.filter(application=application)
        .order_by("created_at", "id")
        .values_list("service_version__service__code", flat=True)
    )
    assert services == list(draft.service_codes) and len(services) == 4
    assert application.life_event == event
    assert application.is_all_or_nothing is event.is_all_or_nothing is True
    shared = [f.name for f in form.fields if len(f.services) > 1]
    assert shared, "the bundle's services share at least one field"
    assert DomainEvent.objects.filter(name="task.created").count() == 4


def test_a_page_of_several_files_stores_the_good_ones_and_names_the_refused_one(applicant):
    from onestop.applications.attachments import attachments_upload

    account, _ = applicant
    draft = draft_start(actor=account, life_event_code="getting-married")
    to_upload = [code for code, entry in draft.evidence.items() if entry["status"] == "upload"]
    good, bad = to_upload[0], to_upload[1]

    draft, errors = attachments_upload(
        draft=draft, files={good: ("good.png", PNG), bad: ("bad.png", b"not an image at all")}
    )

    assert list(errors) == [bad] and errors[bad][0]
    assert draft.evidence[good]["file"]["name"] == "good.png"
    assert not draft.evidence[bad].get("file")
    assert Draft.objects.get(pk=draft.pk).evidence[good]["file"]["name"] == "good.png"
