"""The counter with Django's test client: an operator files a passport application for a
person of the registries with the citizen's consent (channel, filer, consent, evidence checked
at the counter, the acknowledgement, a double click), a missing consent and a bad national ID
keep what was typed, who may open the counter, and resuming a citizen's draft by its code."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from onestop.applications.drafts import draft_start
from onestop.applications.models import Application, ApplicationEvidence, Draft
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
from onestop.catalog.models import Agency
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
