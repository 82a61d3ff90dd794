"""The counter with Django's test client: an operator files a passport application for a
person of the registries with the citizen's consent (channel, filer, consent, evidence checked
at the counter, the acknowledgement, a double click), a missing consent and a bad national ID
keep what was typed, who may open the counter, and resuming a citizen's draft by its code."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from onestop.applications.deadlines import task_deadlines
from onestop.applications.drafts import draft_start
from onestop.applications.models import AgencyTask, Application, ApplicationEvidence, Draft
from onestop.applications.subscribers import application_acknowledge
from onestop.applications.tests.intake_fixtures import (  # noqa: F401
    NOW,
    PASSPORT_ANSWERS,
    card_holder,
    citizen_make,
    frozen,
    officer_make,
    operator_make,
    population,
)
from onestop.catalog.models import Agency, ServiceVersion
from onestop.centers.models import Center
from onestop.core.models import DomainEvent
from onestop.notifications.models import Notification

pytestmark = pytest.mark.django_db
ANSWERS = {**PASSPORT_ANSWERS, "contact_phone": "+33612345678"}


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(f"console:{name}", args=args)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def desk(population, frozen):  # noqa: F811
    center = Center.objects.filter(kind="center").order_by("code").first()
    operator = operator_make("counter-op", center)
    return center, operator, signed_in(operator)


def start(client, national_id, choice="service:passport", channel="center"):
    return client.post(
        url("counter"), {"national_id": national_id, "choice": choice, "channel": channel}
    )


def fill_passport(client, draft):
    response = client.post(url("counter_step", draft.pk, "passport"), ANSWERS)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == url("counter_evidence", draft.pk)
    response = client.post(url("counter_evidence", draft.pk), {"checked": ["photo"]})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == url("counter_check", draft.pk)


def test_an_operator_files_a_passport_application_for_a_citizen_with_consent(desk):
    center, operator, client = desk
    national_id = card_holder()

    response = start(client, national_id)
    draft = Draft.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("counter_step", draft.pk, "passport")
    assert draft.owner_staff == operator and draft.center == center
    page = client.get(url("counter_evidence", draft.pk))
    assert "Fetched from the registry" in page.content.decode()
    fill_passport(client, draft)
    check = client.get(url("counter_check", draft.pk))
    assert check.status_code == 200
    assert "Original seen at the counter" in check.content.decode()
    response = client.post(url("counter_check", draft.pk), {"consent": "signed_form"})
    again = client.post(url("counter_check", draft.pk), {"consent": "signed_form"})

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("counter_done", application.pk)
    assert again["Location"] == response["Location"]  # a double click files once
    assert application.channel == "center" and application.center == center
    assert application.filed_by == operator
    assert application.submitted_by == "staff:counter-op"
    assert application.consent_method == "signed_form"
    assert application.consent_recorded_at == NOW
    assert application.contact_phone == "+33612345678"
    photo = ApplicationEvidence.objects.get(application=application, evidence_code="photo")
    assert photo.status == "checked_at_counter"
    done = client.get(response["Location"])
    assert done.status_code == 200
    spoken = application.tracking_number[:3]
    assert spoken in done.content.decode()
    assert "receives an acknowledgement" in done.content.decode()
    event = DomainEvent.objects.get(name="application.submitted")
    application_acknowledge(event)
    sent = Notification.objects.get(kind="application_acknowledged", channel="sms")
    assert sent.recipient == "+33612345678"
    assert application.tracking_number in sent.body_text


def test_a_missing_consent_is_named_on_its_field_and_keeps_what_was_typed(desk):
    _, _, client = desk
    start(client, card_holder())
    draft = Draft.objects.get()
    fill_passport(client, draft)

    response = client.post(url("counter_check", draft.pk), {"contact_phone": "+33 6 11 22 33 44"})

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="counter-consent-error"' in page
    assert "Choose how the citizen consented" in page
    assert 'value="+33 6 11 22 33 44"' in page
    assert Application.objects.count() == 0
    assert not DomainEvent.objects.filter(name="application.submitted").exists()


def test_a_bad_national_id_is_refused_with_a_message_on_the_field(desk):
    _, _, client = desk

    response = start(client, "12345678901", choice="service:passport")

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="counter-national_id-error"' in page
    assert "check every digit" in page
    assert 'value="12345678901"' in page
    assert 'value="service:passport" selected' in page
    assert Draft.objects.count() == 0


def test_the_start_page_offers_the_channels_of_the_operators_center(desk):
    _, _, client = desk

    page = client.get(url("counter")).content.decode()

    assert re.findall(r'name="channel" value="([a-z_]+)"', page) == ["center", "call_center"]
    assert 'value="service:passport"' in page
    assert 'value="life_event:' in page
    assert 'href="/en/console/counter/" aria-current="page"' in page


def test_an_operators_console_home_is_the_counter(desk):
    _, _, client = desk

    response = client.get(url("mine"))

    assert response.status_code == 302 and response["Location"] == url("counter")


@pytest.mark.parametrize("who", ["anonymous", "officer", "center_manager", "citizen"])
def test_only_front_office_operators_open_the_counter(population, frozen, who):  # noqa: F811
    center = Center.objects.filter(kind="center").order_by("code").first()
    agency = Agency.objects.get(code="migration-service")
    client = Client()
    if who == "officer":
        client = signed_in(officer_make("an-officer", agency))
    elif who == "center_manager":
        client = signed_in(operator_make("a-manager", center, role="center_manager"))
    elif who == "citizen":
        client = signed_in(citizen_make(card_holder()).user)

    shown = client.get(url("counter"))
    posted = start(client, card_holder())

    if who == "anonymous":
        assert shown.status_code == 302 and "/console/sign-in/" in shown["Location"]
    else:
        assert shown.status_code == 403
        assert "front-office operator" in shown.content.decode()
        assert posted.status_code == 403
    assert Draft.objects.count() == 0
    if who == "officer":
        mine = client.get(url("mine")).content.decode()
        assert url("counter") not in mine


def test_another_centers_operator_cannot_open_the_draft(desk):
    center, _, client = desk
    start(client, card_holder())
    draft = Draft.objects.get()
    other = Center.objects.filter(kind="center").exclude(pk=center.pk).order_by("code").first()
    stranger = signed_in(operator_make("other-op", other))

    assert stranger.get(url("counter_step", draft.pk, "passport")).status_code == 404
    assert stranger.post(url("counter_check", draft.pk), {"consent": "mandate"}).status_code == 404
    assert Application.objects.count() == 0


def test_an_operator_finishes_a_draft_the_citizen_started_online(desk):
    center, operator, client = desk
    national_id = card_holder()
    account = citizen_make(national_id)
    draft = draft_start(actor=account, service_codes=["passport"])

    wrong = client.post(
        url("counter_resume"),
        {
            "resume_code": draft.resume_code,
            "resume_national_id": card_holder(1),
            "resume_channel": "center",
        },
    )
    response = client.post(
        url("counter_resume"),
        {
            "resume_code": draft.resume_code.lower(),
            "resume_national_id": national_id,
            "resume_channel": "center",
        },
    )

    assert wrong.status_code == 400
    assert 'id="counter-resume_code-error"' in wrong.content.decode()
    assert response.status_code == 302
    assert response["Location"] == url("counter_step", draft.pk, "passport")
    fill_passport(client, draft)
    client.post(url("counter_check", draft.pk), {"consent": "signed_on_screen"})
    application = Application.objects.get()
    assert application.filed_by == operator and application.channel == "center"
    assert application.center == center
    assert application.applicant_account_id == account.pk
    assert application.consent_method == "signed_on_screen"


def test_a_bad_resume_code_is_named_on_its_field(desk):
    _, _, client = desk

    response = client.post(
        url("counter_resume"),
        {"resume_code": "nope", "resume_national_id": "", "resume_channel": "center"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "The resume code has 10 letters and digits" in page
    assert 'id="counter-resume_national_id-error"' in page
    assert 'value="nope"' in page


@pytest.mark.parametrize("language", ["fr", "ru", "ar"])
def test_the_counter_pages_speak_the_operators_language(desk, language):
    _, _, client = desk
    start(client, card_holder())
    draft = Draft.objects.get()

    pages = [
        client.get(url("counter", language=language)).content.decode(),
        client.get(url("counter_evidence", draft.pk, language=language)).content.decode(),
        client.get(url("counter_check", draft.pk, language=language)).content.decode(),
    ]

    with translation.override(language):
        expected = [
            translation.gettext("Apply for a citizen"),
            translation.gettext("Documents"),
            translation.gettext("Check the answers with the citizen"),
        ]
    assert expected[0] != "Apply for a citizen"
    for page, text in zip(pages, expected, strict=True):
        assert text in page
    assert (f'lang="{language}" dir="rtl"' in pages[0]) == (language == "ar")


# --- Processing: standard or express -------------------------------------------------------------


def test_an_operator_files_an_express_application_with_its_fee_and_shorter_deadline(desk):
    _, _, client = desk
    start(client, card_holder())
    draft = Draft.objects.get()
    fill_passport(client, draft)

    check = client.get(url("counter_check", draft.pk)).content.decode()
    response = client.post(
        url("counter_check", draft.pk), {"consent": "mandate", "tier": "express"}
    )

    assert re.findall(r'name="tier" value="([a-z]+)"', check) == ["standard", "express"]
    assert 'name="tier" value="standard" checked' in check  # the draft's tier until chosen
    assert "€60.00, decided within 15 working days" in check
    assert "€120.00, decided within 5 working days" in check
    application = Application.objects.get()
    assert response.status_code == 302
    assert application.tier == "express"
    task = AgencyTask.objects.get(application=application)
    version = ServiceVersion.objects.get(service__code="passport", status="published")
    express = task_deadlines(version=version, tier="express", start=NOW)
    standard = task_deadlines(version=version, tier="standard", start=NOW)
    assert express.working_days == 5
    assert task.due_at == express.due_at < standard.due_at
    receipt = client.get(response["Location"]).content.decode()
    assert "<dt>Processing</dt><dd>Express</dd>" in receipt


def test_a_service_without_express_offers_no_choice_and_a_posted_express_is_refused(desk):
    _, _, client = desk
    start(client, card_holder(), choice="service:health-insurance-card")
    draft = Draft.objects.get()

    check = client.get(url("counter_check", draft.pk)).content.decode()
    response = client.post(
        url("counter_check", draft.pk), {"consent": "mandate", "tier": "express"}
    )

    assert 'name="tier"' not in check
    assert "No express processing is offered for this application." in check
    assert "Free, decided within 10 working days" in check
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="counter-tier-error"' in page
    assert "This service has no express option; choose the standard processing." in page
    assert '<a href="#counter-tier">' in page  # the error summary leads to the field
    assert Application.objects.count() == 0
    assert Draft.objects.get(pk=draft.pk).tier == "standard"


def test_the_tier_choice_is_kept_when_the_consent_is_missing(desk):
    _, _, client = desk
    start(client, card_holder())
    draft = Draft.objects.get()
    fill_passport(client, draft)

    response = client.post(url("counter_check", draft.pk), {"tier": "express"})

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="counter-consent-error"' in page
    assert 'name="tier" value="express" checked' in page
    assert Draft.objects.get(pk=draft.pk).tier == "express"
    assert Application.objects.count() == 0


# --- Documents seen at the counter are kept on the draft ----------------------------------------


def test_a_document_ticked_on_one_computer_is_still_ticked_on_another(desk):
    _, operator, client = desk
    start(client, card_holder())
    draft = Draft.objects.get()
    fill_passport(client, draft)  # ticks the photo
    other_computer = signed_in(operator)

    documents = other_computer.get(url("counter_evidence", draft.pk)).content.decode()
    check = other_computer.get(url("counter_check", draft.pk)).content.decode()
    other_computer.post(url("counter_check", draft.pk), {"consent": "signed_form"})

    assert re.search(r'name="checked" value="photo" checked', documents)
    assert "Marked as seen by counter-op on" in documents
    assert "Original seen at the counter" in check
    application = Application.objects.get()
    photo = ApplicationEvidence.objects.get(application=application, evidence_code="photo")
    assert photo.status == "checked_at_counter"
    mark = Draft.objects.get(pk=draft.pk).evidence["photo"]["checked_at_counter"]
    assert mark == {"by": "staff:counter-op", "at": NOW.isoformat()}


def test_a_tick_taken_back_leaves_the_document_needed(desk):
    _, _, client = desk
    start(client, card_holder())
    draft = Draft.objects.get()
    fill_passport(client, draft)

    client.post(url("counter_evidence", draft.pk), {})
    response = client.post(url("counter_check", draft.pk), {"consent": "signed_form"})

    assert "checked_at_counter" not in Draft.objects.get(pk=draft.pk).evidence["photo"]
    assert response.status_code == 400
    assert "Check these documents at the counter or upload them" in response.content.decode()
    assert Application.objects.count() == 0


def test_over_the_telephone_no_document_can_be_ticked(desk):
    _, _, client = desk
    start(client, card_holder(), channel="call_center")
    draft = Draft.objects.get()

    page = client.get(url("counter_evidence", draft.pk)).content.decode()
    client.post(url("counter_evidence", draft.pk), {"checked": ["photo"]})

    assert 'name="checked"' not in page
    assert "checked_at_counter" not in Draft.objects.get(pk=draft.pk).evidence["photo"]


@pytest.mark.parametrize("language", ["fr", "ru", "ar"])
def test_the_processing_choice_and_the_seen_mark_speak_the_operators_language(desk, language):
    _, _, client = desk
    start(client, card_holder())
    draft = Draft.objects.get()
    fill_passport(client, draft)

    check = client.get(url("counter_check", draft.pk, language=language)).content.decode()
    documents = client.get(url("counter_evidence", draft.pk, language=language)).content.decode()

    with translation.override(language):
        question = translation.gettext("How fast does the citizen need it?")
        express = translation.pgettext("fee tier", "Express")
        seen = translation.gettext("Marked as seen by %(operator)s on %(date)s.")
    assert question != "How fast does the citizen need it?"
    assert question in check and f"> {express}</label>" in check
    assert seen.split("%(")[0].strip() in documents
