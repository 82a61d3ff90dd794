"""Applying on the portal with Django's test client: one service and a two-agency life event
from the first page to the confirmation, errors that keep the input, a refused upload,
idempotent submission, another citizen's draft and application, the application page's
answer and withdraw, and the public tracking lookup with its rate limit."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from onestop.applications.drafts import draft_form
from onestop.applications.intake import application_submit
from onestop.applications.models import (
    AgencyTask,
    Application,
    ApplicationEvidence,
    Draft,
    LookupAttempt,
)
from onestop.applications.tests.intake_fixtures import (  # noqa: F401
    PASSPORT_ANSWERS,
    card_holder,
    citizen_make,
    frozen,
    officer_make,
    population,
)
from onestop.applications.tests.test_intake import valid_answer
from onestop.applications.workflow import (
    task_claim,
    task_information_request,
    task_review_start,
)
from onestop.core.models import DomainEvent
from onestop.portal.apply_finish import submission_key

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ANSWERS = {**PASSPORT_ANSWERS, "contact_phone": "+33612345678", "contact_email": "me@example.org"}


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(f"portal:{name}", args=args)


@pytest.fixture
def citizen(population, frozen, client):  # noqa: F811
    national_id = card_holder()
    account = citizen_make(national_id)
    client.force_login(account.user)
    return account


def start(client, service="passport"):
    response = client.post(url("apply_service", service))
    assert response.status_code == 302
    draft = Draft.objects.get()
    return draft, response["Location"]


def fill_form(client, draft):
    """Every form page of the draft answered validly; returns the URL after the last one."""
    form = draft_form(draft=draft, language="en")
    location = ""
    for page in form.pages:
        answers = {}
        for item in page.fields:
            value = ANSWERS.get(item.name, valid_answer(item.schema))
            answers[item.name] = "yes" if value is True else value
        response = client.post(url("draft_step", draft.pk, page.key), answers)
        assert response.status_code == 302, response.content.decode()[:3000]
        location = response["Location"]
    return location


def upload_all(client, draft):
    draft.refresh_from_db()
    files = {
        f"evidence-{code}": SimpleUploadedFile(f"{code}.png", PNG, content_type="image/png")
        for code, entry in draft.evidence.items()
        if entry["status"] == "upload" and entry["is_mandatory"]
    }
    response = client.post(url("draft_evidence", draft.pk), files)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response["Location"]


def test_the_whole_apply_flow_for_one_service(client, citizen):
    response = client.get(url("apply_service", "passport"))
    assert response.status_code == 200
    assert "Start now" in response.content.decode()

    draft, first = start(client)
    assert first == url("draft_step", draft.pk, "passport")
    page = client.get(first).content.decode()
    assert 'name="passport_reason"' in page
    after_form = fill_form(client, draft)
    assert after_form == url("draft_evidence", draft.pk)
    evidence_page = client.get(after_form).content.decode()
    assert "We already have this." in evidence_page  # the identity card, from its registry
    assert 'type="file" id="evidence-photo"' in evidence_page
    after_evidence = upload_all(client, draft)
    assert after_evidence == url("draft_processing", draft.pk)  # the passport offers express
    processing = client.get(after_evidence).content.decode()
    assert "120.00" in processing and "60.00" in processing
    response = client.post(after_evidence, {"tier": "express"})
    assert response["Location"] == url("draft_check", draft.pk)
    check = client.get(response["Location"]).content.decode()
    assert "Check your answers" in check and "Passport expired or expiring" in check
    assert f'href="{url("draft_step", draft.pk, "passport")}#q-passport_reason"' in check

    response = client.post(url("draft_check", draft.pk))

    application = Application.objects.get()
    assert response["Location"] == url("application_submitted", application.pk)
    assert application.tier == "express" and application.channel == "online"
    assert application.idempotency_key == submission_key(draft)
    confirmation = client.get(response["Location"]).content.decode()
    number = application.tracking_number
    assert f"{number[:3]}-{number[3:6]}-{number[6:]}" in confirmation
    assert "What happens next" in confirmation
    listing = client.get(url("applications")).content.decode()
    assert number in listing and "Not sent yet" not in listing


def test_the_whole_apply_flow_for_a_two_agency_life_event(client, citizen):
    response = client.post(url("apply_life_event", "getting-married"))
    draft = Draft.objects.get()
    assert response["Location"] == url("draft_step", draft.pk, draft_form(draft=draft).pages[0].key)
    fill_form(client, draft)
    after_evidence = upload_all(client, draft)
    if after_evidence == url("draft_processing", draft.pk):
        after_evidence = client.post(after_evidence, {"tier": "standard"})["Location"]
    assert after_evidence == url("draft_check", draft.pk)
    assert client.get(after_evidence).status_code == 200

    response = client.post(after_evidence)

    application = Application.objects.get()
    assert response["Location"] == url("application_submitted", application.pk)
    agencies = set(
        AgencyTask.objects.filter(application=application).values_list("agency__code", flat=True)
    )
    assert len(agencies) >= 2
    page = client.get(url("application", application.pk)).content.decode()
    assert page.count("Waiting for an officer") == AgencyTask.objects.count()


def test_invalid_input_keeps_what_was_typed_with_the_message_next_to_the_field(client, citizen):
    draft, first = start(client)

    response = client.post(
        first,
        {"passport_reason": "expiry", "previous_passport_number": "ab!", "preferred_center": ""},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="ab!"' in page
    assert 'id="q-previous_passport_number-error"' in page
    assert 'id="q-preferred_center-error"' in page
    assert '<a href="#q-preferred_center">' in page
    assert re.search(r'value="expiry"[^>]*checked', page)
    draft.refresh_from_db()
    assert draft.data["previous_passport_number"] == "ab!"


def test_a_refused_upload_shows_the_message_next_to_the_field_and_stores_nothing(client, citizen):
    draft, _first = start(client)
    fill_form(client, draft)

    response = client.post(
        url("draft_evidence", draft.pk),
        {"evidence-photo": SimpleUploadedFile("photo.png", b"plain text", "image/png")},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="evidence-photo-error"' in page
    assert "this type of file is not accepted" in page
    assert "Upload a PDF, JPEG or PNG under 10 MB." in page
    draft.refresh_from_db()
    assert "file" not in draft.evidence["photo"]


def test_submitting_twice_makes_one_application(client, citizen):
    draft, _first = start(client)
    fill_form(client, draft)
    upload_all(client, draft)

    first = client.post(url("draft_check", draft.pk))
    again = client.post(url("draft_check", draft.pk))

    assert first["Location"] == again["Location"]
    assert Application.objects.count() == 1
    assert DomainEvent.objects.filter(name="application.submitted").count() == 1
    assert client.get(url("draft_step", draft.pk, "passport"))["Location"] == first["Location"]


def test_submit_without_the_mandatory_upload_says_what_is_missing(client, citizen):
    draft, _first = start(client)
    fill_form(client, draft)

    response = client.post(url("draft_check", draft.pk))

    assert response.status_code == 400
    assert "Photo" in response.content.decode()
    assert Application.objects.count() == 0


def test_another_citizens_draft_and_application_are_not_found(client, citizen):
    draft, _first = start(client)
    fill_form(client, draft)
    upload_all(client, draft)
    client.post(url("draft_check", draft.pk))
    application = Application.objects.get()
    other = citizen_make(card_holder(1), contact="+33699999999")
    client.force_login(other.user)

    for address in (
        url("draft_step", draft.pk, "passport"),
        url("draft_check", draft.pk),
        url("application", application.pk),
        url("application_submitted", application.pk),
        url("application_withdraw", application.pk),
    ):
        assert client.get(address).status_code == 404, address
    assert client.post(url("application_withdraw", application.pk)).status_code == 404
    application.refresh_from_db()
    assert application.status == "submitted"


def test_signed_out_goes_to_sign_in_and_unlinked_gets_the_guidance(client, citizen):
    client.logout()
    response = client.get(url("apply_service", "passport"))
    assert response.status_code == 302
    assert response["Location"].startswith(url("sign_in") + "?next=")
    unlinked = citizen_make("", contact="+33611111111")
    client.force_login(unlinked.user)

    response = client.post(url("apply_service", "passport"))

    assert "Your account is not linked to your national ID yet" in response.content.decode()
    assert Draft.objects.count() == 0


def submitted(client, citizen):
    draft, _first = start(client)
    fill_form(client, draft)
    upload_all(client, draft)
    client.post(url("draft_check", draft.pk))
    return Application.objects.get()


def test_the_applicant_answers_an_information_request(client, citizen):
    application = submitted(client, citizen)
    task = AgencyTask.objects.get(application=application)
    officer = officer_make("officer-m", task.agency)
    task_claim(actor=officer, task_id=task.pk)
    task_review_start(actor=officer, task_id=task.pk)
    task_information_request(actor=officer, task_id=task.pk, text="Which city were you born in?")
    page = client.get(url("application", application.pk)).content.decode()
    assert "Which city were you born in?" in page
    answer_url = re.search(r'href="([^"]*/answer/[^"]*)"', page).group(1)

    empty = client.post(answer_url, {"text": "  "})
    assert empty.status_code == 400 and "Write your answer" in empty.content.decode()
    response = client.post(answer_url, {"text": "Capital City"})

    assert response["Location"] == url("application", application.pk) + "?answered=1"
    task.refresh_from_db()
    assert task.state == "resubmitted"
    assert client.get(answer_url).status_code == 404  # answered: no longer open


def requested_answer_url(client, citizen):
    application = submitted(client, citizen)
    task = AgencyTask.objects.get(application=application)
    officer = officer_make("officer-f", task.agency)
    task_claim(actor=officer, task_id=task.pk)
    task_review_start(actor=officer, task_id=task.pk)
    task_information_request(actor=officer, task_id=task.pk, text="Send your work contract.")
    page = client.get(url("application", application.pk)).content.decode()
    return application, task, re.search(r'href="([^"]*/answer/[^"]*)"', page).group(1)


def test_an_answer_carries_an_optional_document_kept_as_evidence(client, citizen):
    application, task, answer_url = requested_answer_url(client, citizen)

    response = client.post(
        answer_url,
        {"text": "Attached.", "file": SimpleUploadedFile("contract.png", PNG, "image/png")},
    )

    assert response.status_code == 302
    row = ApplicationEvidence.objects.get(
        application=application, evidence_code__startswith="answer:"
    )
    assert (row.status, row.file_name, row.content_type) == (
        "uploaded",
        "contract.png",
        "image/png",
    )
    task.refresh_from_db()
    assert task.state == "resubmitted"


def test_a_refused_document_sends_no_answer_and_keeps_the_text(client, citizen):
    application, task, answer_url = requested_answer_url(client, citizen)

    response = client.post(
        answer_url,
        {"text": "My words", "file": SimpleUploadedFile("contract.png", b"text", "image/png")},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="answer-file-error"' in page and "this type of file is not accepted" in page
    assert ">My words</textarea>" in page
    task.refresh_from_db()
    assert task.state == "information_requested"
    assert not ApplicationEvidence.objects.filter(evidence_code__startswith="answer:").exists()


def test_withdrawing_needs_the_confirmation_step(client, citizen):
    application = submitted(client, citizen)
    confirm = client.get(url("application_withdraw", application.pk))
    assert confirm.status_code == 200
    application.refresh_from_db()
    assert application.status == "submitted"

    response = client.post(url("application_withdraw", application.pk), {"reason": "not needed"})

    assert response["Location"] == url("application", application.pk) + "?withdrawn=1"
    application.refresh_from_db()
    assert application.status == "withdrawn"
    again = client.post(url("application_withdraw", application.pk))
    assert again.status_code == 409


# --- Public tracking ---------------------------------------------------------------------------


def test_lookup_with_the_birth_date_shows_the_status(client, citizen):
    application = submitted(client, citizen)
    client.logout()

    response = client.post(
        url("track"),
        {
            "tracking_number": application.tracking_number.lower(),
            "birth_date": application.applicant_birth_date.isoformat(),
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Submitted" in page and "Waiting for an officer" in page
    assert application.applicant_national_id not in page


def test_lookup_with_a_wrong_factor_is_not_found_and_counted(client, citizen):
    application = submitted(client, citizen)
    client.logout()

    response = client.post(
        url("track"), {"tracking_number": application.tracking_number, "phone_last_digits": "0000"}
    )

    assert response.status_code == 404
    assert "We found no application" in response.content.decode()
    assert LookupAttempt.objects.count() == 2  # per number and per client


def test_lookup_without_a_second_factor_names_the_field(client, citizen):
    response = client.post(url("track"), {"tracking_number": "7K3D9QX21E"})
    assert response.status_code == 400
    assert 'id="track-birth_date-error"' in response.content.decode()
    assert LookupAttempt.objects.count() == 0


def test_too_many_lookups_get_the_translated_429_page(client, citizen, settings):
    settings.ONESTOP_LOOKUP_MAX_FAILURES = 2
    application = submitted(client, citizen)
    client.logout()
    wrong = {"tracking_number": application.tracking_number, "phone_last_digits": "0000"}
    for _attempt in range(2):
        assert client.post(url("track"), wrong).status_code == 404

    response = client.post(url("track", language="fr"), wrong)

    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()


def test_the_acknowledgement_link_resolves_to_the_lookup_page(client, citizen):
    application = submitted(client, citizen)
    client.logout()
    path = f"/track/{application.tracking_number}"

    response = client.get(path, HTTP_ACCEPT_LANGUAGE="ar")

    assert response.status_code == 302
    assert response["Location"] == url("track_number", application.tracking_number, language="ar")
    page = client.get(response["Location"]).content.decode()
    number = application.tracking_number
    assert f'value="{number[:3]}-{number[3:6]}-{number[6:]}"' in page


def test_the_header_links_my_applications(client, citizen):
    page = client.get(url("home")).content.decode()
    assert f'href="{url("applications")}"' in page


def test_the_service_and_life_event_pages_offer_to_apply(client, citizen):
    service = client.get(url("service", "passport")).content.decode()
    event = client.get(url("life_event", "getting-married")).content.decode()
    assert f'href="{url("apply_service", "passport")}"' in service
    assert f'href="{url("apply_life_event", "getting-married")}"' in event


def test_application_submit_of_a_portal_draft_is_keyed_by_the_draft(citizen, client):
    draft, _first = start(client)
    fill_form(client, draft)
    upload_all(client, draft)
    draft.refresh_from_db()
    first = application_submit(actor=citizen, draft=draft, idempotency_key=submission_key(draft))
    again = application_submit(actor=citizen, draft=draft, idempotency_key=submission_key(draft))
    assert first.pk == again.pk


def test_the_application_pages_take_a_bounded_number_of_queries(
    client, citizen, django_assert_max_num_queries
):
    application = submitted(client, citizen)
    for code in ("passport", "health-insurance-card", "id-card"):
        client.post(url("apply_service", code))
    task = AgencyTask.objects.get(application=application)
    officer = officer_make("officer-q", task.agency)
    task_claim(actor=officer, task_id=task.pk)
    task_review_start(actor=officer, task_id=task.pk)
    task_information_request(actor=officer, task_id=task.pk, text="One more thing?")

    with django_assert_max_num_queries(12):
        page = client.get(url("application", application.pk)).content.decode()
    with django_assert_max_num_queries(9):
        listing = client.get(url("applications")).content.decode()

    assert "One more thing?" in page
    assert listing.count("/resume/") == 3


def decided(client, citizen, decision, reason_code, text):
    from onestop.applications.workflow import task_decide

    application = submitted(client, citizen)
    task = AgencyTask.objects.get(application=application)
    officer = officer_make("officer-d", task.agency)
    task_claim(actor=officer, task_id=task.pk)
    task_review_start(actor=officer, task_id=task.pk)
    task_decide(
        actor=officer,
        task_id=task.pk,
        decision=decision,
        reason_code=reason_code,
        reason_text=text,
    )
    return application, client.get(url("application", application.pk)).content.decode()


def test_a_rejection_shows_its_reason_and_how_to_appeal(client, citizen):
    _application, page = decided(client, citizen, "reject", "not_eligible", "Not a resident.")

    assert "Not a resident." in page
    assert "How to appeal:" in page
    assert "Withdraw this application" not in page


def test_an_approval_shows_the_document_issued(client, citizen):
    application, page = decided(client, citizen, "approve", "requirements_met", "")

    output = application.outputs.get()
    assert "Documents issued" in page and output.number in page
