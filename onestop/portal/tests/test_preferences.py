# ruff: noqa: F811 - fixtures imported from the accounts tests are redefined as arguments
"""The signed-in citizen's message preferences page, through Django's test client."""

import pytest

from onestop.accounts.models import CitizenAccount
from onestop.accounts.tests.conftest import (  # noqa: F401 - pytest fixtures
    code_sent_to,
    country,
    frozen,
    sign_in_templates,
)
from onestop.core.models import AuditRecord
from onestop.notifications.models import RecipientPreference
from onestop.notifications.services import notification_request, recipient_preference_set
from onestop.notifications.tests.conftest import ACKNOWLEDGED, templates_for

pytestmark = pytest.mark.django_db
PHONE = "+33612345678"
EMAIL = "amina@example.org"
PAGE = "/en/inbox/preferences/"


def signed_in(client, contact: str = PHONE) -> None:
    client.post("/en/sign-in/", {"contact": contact})
    response = client.post("/en/sign-in/code/", {"code": code_sent_to(contact)})
    assert response.status_code == 302


def test_signed_out_the_page_sends_to_sign_in(client):
    response = client.get(PAGE)

    assert (response.status_code, response["Location"]) == (
        302,
        "/en/sign-in/?next=%2Fen%2Finbox%2Fpreferences%2F",
    )


def test_a_phone_contact_is_offered_sms_and_inbox_and_sees_the_defaults(
    client, sign_in_templates, frozen
):
    signed_in(client)

    html = client.get(PAGE).content.decode()

    assert 'name="csrfmiddlewaretoken"' in html
    assert (
        '<input type="checkbox" id="preferences-channels" name="channels" value="sms" checked>'
        in html
    )
    assert 'value="inbox" checked>' in html
    assert 'value="email"' not in html
    assert 'value="en" checked>' in html
    assert '<span lang="ar" dir="auto">العربية</span>' in html
    assert '<span lang="fr" dir="auto">Français</span>' in html
    assert 'aria-describedby="preferences-is_essential_only-hint">' in html
    assert "Sign-in codes, acknowledgements of your applications and decisions" in html


def test_an_email_contact_sees_the_saved_preference(client, sign_in_templates, frozen):
    recipient_preference_set(
        actor="test",
        contact=EMAIL,
        channels=["inbox"],
        language="ru",
        is_non_essential_opted_out=True,
    )
    signed_in(client, EMAIL)

    html = client.get(PAGE).content.decode()

    assert 'value="email">' in html and 'value="inbox" checked>' in html
    assert 'value="sms"' not in html
    assert 'value="ru" checked>' in html and 'value="en">' in html
    assert 'id="preferences-is_essential_only" name="is_essential_only" value="on"' in html
    assert 'aria-describedby="preferences-is_essential_only-hint" checked>' in html


def test_saving_records_the_preference_and_confirms_on_the_same_page(
    client, sign_in_templates, frozen
):
    signed_in(client)

    response = client.post(
        PAGE, {"channels": ["inbox"], "language": "fr", "is_essential_only": "on"}
    )
    page = client.get(response["Location"])

    assert (response.status_code, response["Location"]) == (302, PAGE)
    preference = RecipientPreference.objects.get()
    assert (
        preference.contact,
        preference.channels,
        preference.language,
        preference.is_non_essential_opted_out,
    ) == (PHONE, ["inbox"], "fr", True)
    user_id = CitizenAccount.objects.get().user_id
    assert list(
        AuditRecord.objects.filter(action="notifications.preference_set").values_list(
            "actor", "data"
        )
    ) == [
        (
            f"citizen:{user_id}",
            {"channels": ["inbox"], "language": "fr", "is_non_essential_opted_out": True},
        )
    ]
    assert '<div class="notice" role="status"><p>Your message preferences are saved.</p>' in (
        page.content.decode()
    )
    assert 'value="sms">' in page.content.decode()


def test_unticking_every_channel_is_refused_and_keeps_the_choices(
    client, sign_in_templates, frozen
):
    recipient_preference_set(actor="test", contact=PHONE, channels=["sms"], language="en")
    signed_in(client)

    response = client.post("/fr" + PAGE[3:], {"language": "ar", "is_essential_only": "on"})

    html = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#preferences-channels">Choisissez au moins un moyen de recevoir' in html
    assert 'id="preferences-channels-error"' in html
    assert 'value="sms">' in html and 'value="inbox">' in html
    assert 'value="ar" checked>' in html
    assert 'aria-describedby="preferences-is_essential_only-hint" checked>' in html
    preference = RecipientPreference.objects.get()
    assert (preference.channels, preference.language, preference.is_non_essential_opted_out) == (
        ["sms"],
        "en",
        False,
    )


def test_a_channel_the_contact_cannot_use_is_refused(client, sign_in_templates, frozen):
    signed_in(client)

    response = client.post(PAGE, {"channels": ["email"], "language": "en"})

    assert response.status_code == 400
    assert "Choose only among the ways offered to receive messages." in response.content.decode()
    assert RecipientPreference.objects.count() == 0


def test_the_language_saved_is_the_language_of_the_next_message(client, sign_in_templates, frozen):
    templates_for("application_acknowledged")
    signed_in(client)
    client.post(PAGE, {"channels": ["sms", "inbox"], "language": "fr"})

    messages = notification_request(
        actor="test",
        kind="application_acknowledged",
        recipient=PHONE,
        context=ACKNOWLEDGED,
        idempotency_key="ack:after-preferences",
        language="en",
        person=PHONE,
    )

    assert [(m.channel, m.language) for m in messages] == [("sms", "fr"), ("inbox", "fr")]
    assert messages[0].body_text == "[fr] Ref 7K3D-9QX2-M4."


def test_the_inbox_links_to_the_preferences(client, sign_in_templates, frozen):
    signed_in(client)

    html = client.get("/en/inbox/").content.decode()

    assert f'<a href="{PAGE}">Choose how and in which language we send you messages</a>' in html


def test_saving_checks_the_csrf_token(sign_in_templates, frozen):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    token = str(client.get("/en/sign-in/").context["csrf_token"])
    client.post("/en/sign-in/", {"contact": PHONE, "csrfmiddlewaretoken": token})
    client.post("/en/sign-in/code/", {"code": code_sent_to(PHONE), "csrfmiddlewaretoken": token})

    response = client.post(PAGE, {"channels": ["inbox"], "language": "fr"})

    assert response.status_code == 403
    assert "_auth_user_id" in client.session
    assert RecipientPreference.objects.count() == 0
