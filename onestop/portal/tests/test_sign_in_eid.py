# ruff: noqa: F811 - fixtures imported from other tests are redefined as arguments
"""The e-ID sign-in's pages through Django's test client, without a provider: hidden and 404
while not configured, the button and its translations, and the error pages of a provider that
is down or an answer this browser did not ask for. The flow against a real provider is in
onestop/accounts/tests/test_oidc.py."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from onestop.accounts.models import CitizenAccount
from onestop.accounts.oidc import oidc_metadata_forget
from onestop.accounts.services import citizen_sign_in_oidc
from onestop.accounts.tests.conftest import START, frozen  # noqa: F401
from onestop.people.tests.conftest import NATIONAL_IDS, country  # noqa: F401

pytestmark = pytest.mark.django_db
DEAD_ISSUER = "http://127.0.0.1:9/e-id"  # the discard port: nothing listens there
BUTTONS = {
    "en": "Sign in with national e-ID",
    "fr": "Se connecter avec l’identité numérique nationale",
    "ru": "Войти с национальной электронной идентификацией",
    "ar": "تسجيل الدخول بالهوية الرقمية الوطنية",
}


@pytest.fixture
def configured(settings):
    settings.ONESTOP_OIDC_ISSUER = DEAD_ISSUER
    settings.ONESTOP_OIDC_CLIENT_ID = "onestop-portal"
    settings.ONESTOP_OIDC_CLIENT_SECRET = "secret"  # noqa: S105
    oidc_metadata_forget()
    yield
    oidc_metadata_forget()


def test_without_configuration_there_is_no_button_and_the_addresses_are_not_found(client):
    page = client.get("/en/sign-in/").content.decode()

    assert "e-ID" not in page and "/sign-in/e-id/" not in page
    assert client.post("/en/sign-in/e-id/").status_code == 404
    assert client.get("/en/sign-in/e-id/").status_code == 404
    assert client.get("/sign-in/e-id/callback/?state=x&code=y").status_code == 404


@pytest.mark.parametrize("language", BUTTONS)
def test_the_sign_in_page_offers_the_national_eid_when_configured(client, configured, language):
    page = client.get(f"/{language}/sign-in/?next=/{language}/inbox/").content.decode()

    assert f'<form action="/{language}/sign-in/e-id/" method="post">' in page
    assert f'<button type="submit">{BUTTONS[language]}</button>' in page
    assert f'<input type="hidden" name="next" value="/{language}/inbox/">' in page
    assert "<script" not in page


def test_the_start_needs_a_post(client, configured):
    assert client.get("/en/sign-in/e-id/").status_code == 405


def test_the_start_checks_the_csrf_token(configured):
    response = Client(enforce_csrf_checks=True).post("/en/sign-in/e-id/")

    assert response.status_code == 403


def test_a_provider_that_is_down_gives_a_translated_page_offering_the_code(client, configured):
    response = client.post("/fr/sign-in/e-id/", {"next": "/fr/inbox/"})

    html = response.content.decode()
    assert response.status_code == 502
    assert "Le service d’identité numérique ne répond pas" in html
    assert 'href="/fr/sign-in/?next=/fr/inbox/"' in html
    assert "portal.sign_in_eid.flows" not in client.session


def test_a_callback_this_browser_did_not_ask_for_signs_nobody_in(client, configured):
    response = client.get(
        "/sign-in/e-id/callback/?state=forged&code=abc", HTTP_ACCEPT_LANGUAGE="ar"
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert 'lang="ar" dir="rtl"' in html
    assert "لا تخص هذا المتصفح" in html
    assert Session.objects.count() == 0  # nobody signed in, nothing stored for a stray visitor


def test_a_sign_in_left_waiting_ten_minutes_is_refused(client, configured, frozen):
    session = client.session
    session["portal.sign_in_eid.flows"] = {
        "the-state": {
            "nonce": "n",
            "code_verifier": "v",
            "language": "en",
            "next": "",
            "started_at": START.isoformat(),
        }
    }
    session.save()
    frozen.advance(minutes=10)

    response = client.get("/sign-in/e-id/callback/?state=the-state&code=abc")

    assert response.status_code == 400
    assert "does not belong to this browser, or it came too late" in response.content.decode()
    assert client.session["portal.sign_in_eid.flows"] == {}


def test_an_eid_account_without_a_contact_has_no_message_preferences(client, country, frozen):
    user = citizen_sign_in_oidc(
        issuer="https://e-id.example", subject="s", national_id=NATIONAL_IDS[0]
    )
    client.force_login(user)

    assert client.get("/en/inbox/").status_code == 200
    assert client.get("/en/inbox/preferences/").status_code == 404
    assert CitizenAccount.objects.get().contact is None
