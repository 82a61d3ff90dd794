# ruff: noqa: F811 - fixtures imported from the accounts tests are redefined as arguments
"""Sign-in with a one-time code, sign-out and the inbox, through Django's test client; codes are
read from the development outbox as a citizen reads their phone."""

import pytest

from onestop.accounts.models import CitizenAccount
from onestop.accounts.tests.conftest import (  # noqa: F401 - pytest fixtures
    code_sent_to,
    country,
    frozen,
    sign_in_templates,
)
from onestop.notifications.models import Notification
from onestop.notifications.services import notification_deliver, notification_request
from onestop.notifications.tests.conftest import ACKNOWLEDGED, templates_for

pytestmark = pytest.mark.django_db
PHONE = "+33612345678"
OTHER = "+33698765432"


def wrong(code: str) -> str:
    return str((int(code) + 1) % 1_000_000).zfill(6)


def sign_in(client, contact: str = PHONE, next_url: str = "") -> str:
    """Ask for a code and return it; the client then stands on the code page."""
    response = client.post("/en/sign-in/", {"contact": contact, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/en/sign-in/code/"
    return code_sent_to(contact)


def inbox_message_for(person: str, tracking_number: str) -> Notification:
    [message] = notification_request(
        actor="test",
        kind="application_acknowledged",
        recipient=PHONE,
        context={**ACKNOWLEDGED, "tracking_number": tracking_number},
        idempotency_key=f"ack:{tracking_number}",
        channels=["inbox"],
        person=person,
    )
    notification_deliver(notification_id=str(message.pk))
    return message


@pytest.fixture
def inbox_templates(sign_in_templates):
    templates_for("application_acknowledged")


def test_the_sign_in_page_asks_for_a_phone_or_an_email(client, sign_in_templates):
    response = client.get("/en/sign-in/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<label for="sign-in-contact">Phone number or e-mail address</label>' in html


def test_a_citizen_signs_in_with_the_code_sent_by_sms(client, sign_in_templates, frozen):
    code = sign_in(client)

    page = client.get("/en/sign-in/code/")
    response = client.post("/en/sign-in/code/", {"code": code})

    assert PHONE in page.content.decode()
    assert PHONE not in page.request["PATH_INFO"] + page.request.get("QUERY_STRING", "")
    assert (response.status_code, response["Location"]) == (302, "/en/inbox/")
    assert client.session["_auth_user_id"] == str(CitizenAccount.objects.get().user_id)
    assert "portal.sign_in.contact" not in client.session
    assert "Your messages (0 unread)" in client.get("/en/inbox/").content.decode()


def test_a_bad_contact_is_shown_back_with_a_translated_error(client, sign_in_templates):
    response = client.post("/fr/sign-in/", {"contact": "12"})

    html = response.content.decode()
    assert response.status_code == 400
    assert 'aria-invalid="true"' in html and 'value="12"' in html
    assert "Saisissez un numéro de téléphone avec son indicatif" in html
    assert Notification.objects.count() == 0


def test_a_wrong_code_is_refused_and_the_contact_kept(client, sign_in_templates, frozen):
    code = sign_in(client)

    response = client.post("/en/sign-in/code/", {"code": wrong(code)})

    html = response.content.decode()
    assert response.status_code == 400
    assert "This code is wrong or no longer valid" in html
    assert 'href="#sign-in-code"' in html and PHONE in html
    assert "_auth_user_id" not in client.session
    assert client.post("/en/sign-in/code/", {"code": code}).status_code == 302


def test_the_code_page_without_a_contact_goes_back_to_sign_in(client):
    response = client.get("/en/sign-in/code/")

    assert (response.status_code, response["Location"]) == (302, "/en/sign-in/")


def test_the_inbox_asks_to_sign_in_then_comes_back(client, sign_in_templates, frozen):
    first = client.get("/en/inbox/?page=1")
    assert (first.status_code, first["Location"]) == (
        302,
        "/en/sign-in/?next=%2Fen%2Finbox%2F%3Fpage%3D1",
    )
    assert 'value="/en/inbox/?page=1"' in client.get(first["Location"]).content.decode()

    code = sign_in(client, next_url="/en/inbox/?page=1")
    response = client.post("/en/sign-in/code/", {"code": code})

    assert response["Location"] == "/en/inbox/?page=1"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:x"]
)
def test_an_unsafe_next_address_is_ignored(client, sign_in_templates, frozen, next_url):
    code = sign_in(client, next_url=next_url)

    response = client.post("/en/sign-in/code/", {"code": code})

    assert response["Location"] == "/en/inbox/"


def test_the_inbox_lists_only_the_citizens_own_messages(client, inbox_templates, frozen):
    inbox_message_for(PHONE, "AAAA-1111-A1")
    frozen.advance(minutes=1)
    inbox_message_for(PHONE, "BBBB-2222-B2")
    inbox_message_for(OTHER, "CCCC-3333-C3")
    client.post("/en/sign-in/code/", {"code": sign_in(client)})

    html = client.get("/en/inbox/").content.decode()

    assert html.index("Inbox BBBB-2222-B2") < html.index("Inbox AAAA-1111-A1")
    assert "CCCC-3333-C3" not in html
    assert html.count('<span class="tag">Unread</span>') == 2
    assert "Your messages (2 unread)" in html


def test_the_inbox_also_shows_messages_to_the_linked_person(client, inbox_templates, frozen):
    client.post("/en/sign-in/code/", {"code": sign_in(client)})
    CitizenAccount.objects.update(person_reference="person-42")
    inbox_message_for("person-42", "DDDD-4444-D4")

    html = client.get("/en/inbox/").content.decode()

    assert "Inbox DDDD-4444-D4" in html


def test_opening_a_message_marks_it_read(client, inbox_templates, frozen):
    message = inbox_message_for(PHONE, "AAAA-1111-A1")
    client.post("/en/sign-in/code/", {"code": sign_in(client)})

    response = client.get(f"/en/inbox/{message.pk}/")

    assert response.status_code == 200
    assert "<h1>Inbox AAAA-1111-A1</h1>" in response.content.decode()
    assert Notification.objects.get(pk=message.pk).is_read is True
    assert "Your messages (0 unread)" in client.get("/en/inbox/").content.decode()


def test_another_persons_message_is_not_found(client, inbox_templates, frozen):
    message = inbox_message_for(OTHER, "CCCC-3333-C3")
    client.post("/en/sign-in/code/", {"code": sign_in(client)})

    response = client.get(f"/en/inbox/{message.pk}/")

    assert response.status_code == 404
    assert Notification.objects.get(pk=message.pk).is_read is False


def test_sign_out_needs_a_post(client, sign_in_templates, frozen):
    client.post("/en/sign-in/code/", {"code": sign_in(client)})

    refused = client.get("/en/sign-out/")
    assert refused.status_code == 405
    assert "_auth_user_id" in client.session

    response = client.post("/en/sign-out/")

    assert (response.status_code, response["Location"]) == (302, "/en/")
    assert "_auth_user_id" not in client.session


def test_sign_out_checks_the_csrf_token(sign_in_templates, frozen):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    page = client.get("/en/sign-in/")
    token = page.context["csrf_token"]
    client.post("/en/sign-in/", {"contact": PHONE, "csrfmiddlewaretoken": str(token)})
    code = code_sent_to(PHONE)
    client.post("/en/sign-in/code/", {"code": code, "csrfmiddlewaretoken": str(token)})

    response = client.post("/en/sign-out/")

    assert response.status_code == 403
    assert "_auth_user_id" in client.session


def test_every_page_links_to_sign_in(client, sign_in_templates):
    html = client.get("/en/sign-in/").content.decode()

    assert '<a href="/en/sign-in/">Sign in</a>' in html
