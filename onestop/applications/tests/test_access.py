"""Who may read an application, the tracking view, the public lookup and SMS STATUS."""

from datetime import date

import pytest

from onestop.applications.access import application_get_for
from onestop.applications.attachments import attachment_upload
from onestop.applications.drafts import draft_save_step, draft_start
from onestop.applications.intake import application_submit
from onestop.applications.lookup import TooManyAttempts, application_lookup, tracking_sms_answer
from onestop.applications.models import LookupAttempt
from onestop.applications.selectors import application_tracking, applications_of
from onestop.applications.tests.intake_fixtures import (
    NOW,
    PASSPORT_ANSWERS,
    card_holder,
    citizen_make,
    officer_make,
    operator_make,
)
from onestop.catalog.models import Agency, EvidenceType
from onestop.centers.models import Center
from onestop.core.errors import InvalidInput, NotFound
from onestop.people.models import Mandate, Person

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def submitted(population, frozen):
    national_id = card_holder()
    account = citizen_make(national_id)
    draft = draft_start(actor=account, service_codes=["passport"])
    draft = draft_save_step(draft=draft, step="passport", answers=PASSPORT_ANSWERS).draft
    draft = attachment_upload(draft=draft, evidence_code="photo", file_name="a.png", content=PNG)
    return account, application_submit(actor=account, draft=draft, idempotency_key="k")


def person(national_id):
    return Person.objects.create(
        national_id=national_id, given_names="A", family_name="B", created_at=NOW, updated_at=NOW
    )


def test_the_applicant_reads_it(submitted):
    account, application = submitted

    assert application_get_for(actor=account, application_id=application.pk) == application


def test_another_citizen_gets_not_found_like_a_missing_one(submitted):
    _, application = submitted
    stranger = citizen_make(card_holder(1), contact="+33699999999")

    for target in (application.pk, "0190c5d2-0000-7000-8000-000000000000", "nonsense"):
        with pytest.raises(NotFound) as caught:
            application_get_for(actor=stranger, application_id=target)
        assert caught.value.code == "application_not_found"


def test_a_mandate_holder_reads_it(submitted):
    _, application = submitted
    holder_id = card_holder(1)
    holder = citizen_make(holder_id, contact="+33699999998")
    Mandate.objects.create(
        kind="authorised_representative",
        holder=person(holder_id),
        subject_person=person(application.applicant_national_id),
        valid_from=date(2026, 1, 1),
        granted_by="test",
        granted_at=NOW,
    )

    assert application_get_for(actor=holder, application_id=application.pk) == application


def test_an_ended_mandate_grants_nothing(submitted):
    _, application = submitted
    holder_id = card_holder(1)
    holder = citizen_make(holder_id, contact="+33699999997")
    Mandate.objects.create(
        kind="authorised_representative",
        holder=person(holder_id),
        subject_person=person(application.applicant_national_id),
        valid_from=date(2026, 1, 1),
        granted_by="test",
        granted_at=NOW,
        valid_until=date(2026, 5, 1),
    )

    with pytest.raises(NotFound):
        application_get_for(actor=holder, application_id=application.pk)


@pytest.mark.parametrize(
    ("who", "may"),
    [
        ("officer_of_the_agency", True),
        ("supervisor_of_the_agency", True),
        ("officer_of_another_agency", False),
        ("operator_of_a_center", False),
    ],
)
def test_staff_read_it_through_the_agency_of_a_task(submitted, who, may):
    _, application = submitted
    migration = Agency.objects.get(code="migration-service")
    other = Agency.objects.exclude(pk=migration.pk).order_by("code").first()
    user = {
        "officer_of_the_agency": lambda: officer_make("o1", migration),
        "supervisor_of_the_agency": lambda: officer_make("s1", migration, role="supervisor"),
        "officer_of_another_agency": lambda: officer_make("o2", other),
        "operator_of_a_center": lambda: operator_make("p1", Center.objects.first()),
    }[who]()

    if may:
        assert application_get_for(actor=user, application_id=application.pk) == application
    else:
        with pytest.raises(NotFound):
            application_get_for(actor=user, application_id=application.pk)


def test_my_applications_list_newest_first(submitted):
    account, application = submitted

    page = applications_of(account=account, page=1)

    assert (page.count, [item.pk for item in page.items]) == (1, [application.pk])


def test_the_tracking_view_in_a_pinned_number_of_queries(submitted, django_assert_max_num_queries):
    _, application = submitted

    with django_assert_max_num_queries(4):
        view = application_tracking(application=application)

    assert view.status_label == "Submitted"
    assert [task.state_label for task in view.tasks] == ["Waiting for an officer"]
    assert view.next_due_at == view.tasks[0].due_at
    assert view.timeline[0].text == "Application submitted"


# --- Lookup ------------------------------------------------------------------------------------


def test_lookup_with_the_phones_last_digits_shows_the_status_only(submitted):
    _, application = submitted

    view = application_lookup(
        tracking_number=application.tracking_number.lower(),
        client_ip="10.0.0.1",
        phone_last_digits="5678",
    )

    assert view.status == "submitted"
    assert view.tracking_number == application.tracking_number
    assert not hasattr(view, "applicant_national_id")


def test_lookup_with_the_birth_date(submitted):
    _, application = submitted

    view = application_lookup(
        tracking_number=application.tracking_number,
        client_ip="10.0.0.1",
        birth_date=application.applicant_birth_date,
    )

    assert view.status == "submitted"


def test_a_wrong_factor_and_an_unknown_number_answer_the_same(submitted):
    _, application = submitted

    with pytest.raises(NotFound) as wrong:
        application_lookup(
            tracking_number=application.tracking_number, client_ip="1", phone_last_digits="0000"
        )
    with pytest.raises(NotFound) as unknown:
        application_lookup(tracking_number="7K3D9QX21E", client_ip="1", phone_last_digits="5678")

    assert wrong.value.message == unknown.value.message
    assert wrong.value.code == unknown.value.code


def test_lookup_is_limited_per_number_even_from_many_clients(submitted, frozen):
    _, application = submitted
    for attempt in range(5):
        with pytest.raises(NotFound):
            application_lookup(
                tracking_number=application.tracking_number,
                client_ip=f"10.0.0.{attempt}",
                phone_last_digits="0000",
            )

    with pytest.raises(TooManyAttempts):
        application_lookup(
            tracking_number=application.tracking_number,
            client_ip="10.9.9.9",
            phone_last_digits="5678",
        )

    frozen.advance(minutes=16)
    assert (
        application_lookup(
            tracking_number=application.tracking_number,
            client_ip="10.9.9.9",
            phone_last_digits="5678",
        ).status
        == "submitted"
    )
    assert not LookupAttempt.objects.filter(key_digest__contains="10.0.0").exists()


def test_lookup_is_limited_per_client(submitted, settings):
    settings.ONESTOP_LOOKUP_MAX_CLIENT_FAILURES = 2
    for _ in range(2):
        with pytest.raises(NotFound):
            application_lookup(
                tracking_number="7K3D9QX21E", client_ip="10.1.1.1", birth_date=date(2000, 1, 1)
            )

    with pytest.raises(TooManyAttempts):
        application_lookup(
            tracking_number="0000000000", client_ip="10.1.1.1", birth_date=date(2000, 1, 1)
        )


# --- SMS ---------------------------------------------------------------------------------------


def test_sms_status_answers_the_contact_phone_only(submitted):
    _, application = submitted

    answer = tracking_sms_answer(tracking_number=application.tracking_number, phone="+33612345678")

    assert answer.startswith(f"Application {application.tracking_number}: Submitted.")
    assert "Next deadline" in answer
    assert (
        tracking_sms_answer(tracking_number=application.tracking_number, phone="+33600000000")
        is None
    )
    assert tracking_sms_answer(tracking_number="7K3D9QX21E", phone="+33612345678") is None


def test_sms_status_comes_through_the_inbound_path(submitted):
    from onestop.notifications.inbound import sms_inbound_receive

    _, application = submitted

    result = sms_inbound_receive(
        message_id="m1", sender="+33612345678", text=f"STATUS {application.tracking_number}"
    )

    assert application.tracking_number in result.reply.body_text
    assert "Submitted" in result.reply.body_text


# --- Uploads -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "upload_empty"),
        (b"MZ\x90\x00" + b"\x00" * 60, "upload_type"),
        (b"just text, named photo.png", "upload_type"),
    ],
)
def test_bad_uploads_name_the_evidence_and_the_fix(population, frozen, content, code):
    account = citizen_make(card_holder(2), contact="+33611111111")
    draft = draft_start(actor=account, service_codes=["passport"])

    with pytest.raises(InvalidInput) as caught:
        attachment_upload(
            draft=draft, evidence_code="photo", file_name="photo.png", content=content
        )

    assert caught.value.code == code
    assert caught.value.details["field"] == "evidence.photo"
    assert "Upload a PDF, JPEG or PNG under 10 MB." in caught.value.message


def test_a_too_large_upload_is_refused(population, frozen, settings):
    settings.ONESTOP_UPLOAD_MAX_BYTES = 50
    account = citizen_make(card_holder(2), contact="+33611111112")
    draft = draft_start(actor=account, service_codes=["passport"])

    with pytest.raises(InvalidInput) as caught:
        attachment_upload(draft=draft, evidence_code="photo", file_name="p.png", content=PNG)

    assert caught.value.code == "upload_too_large"


def test_the_scanner_hook_can_refuse(population, frozen, settings):
    settings.ONESTOP_UPLOAD_SCANNER = "onestop.applications.tests.test_access.refuse_all"
    account = citizen_make(card_holder(2), contact="+33611111113")
    draft = draft_start(actor=account, service_codes=["passport"])

    with pytest.raises(InvalidInput) as caught:
        attachment_upload(draft=draft, evidence_code="photo", file_name="p.png", content=PNG)

    assert caught.value.code == "upload_infected"
    assert "file" not in draft.evidence["photo"]


def refuse_all(content, name):
    return False


def test_an_upload_is_stored_with_its_digest(population, frozen):
    import hashlib

    account = citizen_make(card_holder(2), contact="+33611111114")
    draft = draft_start(actor=account, service_codes=["passport"])

    draft = attachment_upload(draft=draft, evidence_code="photo", file_name="p.png", content=PNG)

    upload = draft.evidence["photo"]["file"]
    assert upload["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert upload["content_type"] == "image/png" and upload["size"] == len(PNG)


def test_sms_status_answers_in_the_keywords_language(submitted):
    from onestop.notifications.inbound import sms_inbound_receive

    _, application = submitted

    result = sms_inbound_receive(
        message_id="m2", sender="+33612345678", text=f"STATUT {application.tracking_number}"
    )

    assert result.reply.body_text.startswith(f"Demande {application.tracking_number} : Déposée.")
    assert "Prochaine échéance" in result.reply.body_text


def test_the_tracking_view_lists_missing_documents_by_name(submitted):
    from onestop.applications.models import ApplicationEvidence

    _, application = submitted
    ApplicationEvidence.objects.filter(application=application, evidence_code="photo").update(
        status="missing"
    )

    view = application_tracking(application=application)

    assert [(item.kind, item.evidence_code) for item in view.expected] == [("evidence", "photo")]
    name = EvidenceType.objects.get(code="photo").name["en"]
    assert view.expected[0].text == f"Bring or upload this document: {name}."
