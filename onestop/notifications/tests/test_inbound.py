"""Incoming SMS: `STATUS <tracking number>` in four languages, help for anything else, signed
and idempotent webhooks."""

import json

import pytest

from onestop.core.models import DomainEvent
from onestop.notifications import inbound, services
from onestop.notifications.models import DeliveryLog, DevelopmentMessage, Notification
from onestop.notifications.providers.http_sms import signature
from onestop.notifications.tests.conftest import NIGHT_IN_PARIS

SECRET = "operator-callback-secret"
PHONE = "+33612345678"
NOT_FOUND = {
    "en": "We found no application with the number {}. Check the number and try again.",
    "fr": "Nous n'avons trouvé aucune demande portant le numéro {}. Vérifiez le numéro et "
    "réessayez.",
    "ru": "Заявление с номером {} не найдено. Проверьте номер и попробуйте снова.",
    "ar": "لم نجد أي طلب بالرقم {}. تحقق من الرقم وحاول مرة أخرى.",
}
HELP = {
    "en": "To follow an application, send STATUS and its tracking number, e.g. STATUS 7K3D9QX21E.",
    "fr": "Pour suivre une demande, envoyez STATUT et son numéro de suivi, p. ex. STATUT "
    "7K3D9QX21E.",
    "ru": "Чтобы узнать, где ваше заявление, отправьте СТАТУС и его номер, например СТАТУС "
    "7K3D9QX21E.",
    "ar": "لمتابعة طلب، أرسل حالة ورقم التتبع، مثلًا حالة 7K3D9QX21E.",
}


@pytest.fixture(autouse=True)
def callback_secret(settings):
    settings.ONESTOP_SMS_CALLBACK_SECRET = SECRET


def post(client, message, *, secret=SECRET, raw=None):
    body = raw if raw is not None else json.dumps(message, ensure_ascii=False).encode()
    return client.post(
        "/webhooks/sms/inbound",
        data=body,
        content_type="application/json",
        headers={"X-Onestop-Signature": signature(secret, body)},
    )


def sms(text, message_id="op-1", sender=PHONE):
    return {"id": message_id, "from": sender, "to": "1234", "text": text}


@pytest.mark.parametrize(
    ("text", "language", "number"),
    [
        ("STATUS 7K3D-9QX2-M4", "en", "7K3D9QX2M4"),
        ("  status   7k3d 9qx2 m4 ", "en", "7K3D9QX2M4"),
        ("Statut 7k3d-iqx2-lo", "fr", "7K3D1QX210"),
        ("статус 7K3D-9QX2-MO", "ru", "7K3D9QX2M0"),
        ("СТАТУС  ab-cd", "ru", "ABCD"),
        ("حالة 7K3D-٩QX2-M4", "ar", "7K3D9QX2M4"),
    ],
)
def test_status_answers_not_found_in_the_keywords_language(client, country, text, language, number):
    response = post(client, sms(text))

    reply = Notification.objects.get()
    assert response.status_code == 200
    assert response.json() == {
        "in_reply_to": "op-1",
        "reply": {
            "id": str(reply.pk),
            "language": language,
            "text": NOT_FOUND[language].format(number),
            "status": "queued",
        },
        "repeated": False,
    }
    assert (reply.kind, reply.channel, reply.recipient) == ("sms_reply", "sms", PHONE)
    assert reply.request_key == "sms-inbound:op-1"
    assert list(DeliveryLog.objects.values_list("status", flat=True)) == ["queued"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("HELLO", "en"),
        ("", "en"),
        ("STATUS", "en"),
        ("statut   ", "fr"),
        ("СТАТУС", "ru"),
        ("حالة", "ar"),
        ("STATUS7K3D", "en"),
    ],
)
def test_other_messages_get_help_naming_the_keyword(client, country, text, language):
    response = post(client, sms(text))

    assert response.status_code == 200
    assert response.json()["reply"]["language"] == language
    assert response.json()["reply"]["text"] == HELP[language]


@pytest.mark.parametrize("language", ["fr", "ru", "ar"])
def test_help_follows_the_senders_preferred_language(client, country, language):
    services.recipient_preference_set(actor="test", contact=PHONE, language=language)

    response = post(client, sms("what is this"))

    assert response.json()["reply"]["text"] == HELP[language]


def test_the_keywords_language_wins_over_the_preference(client, country):
    services.recipient_preference_set(actor="test", contact=PHONE, language="ar")

    response = post(client, sms("statut 12"))

    assert response.json()["reply"]["text"] == NOT_FOUND["fr"].format("12")


def test_without_keyword_or_preference_the_countrys_default_language_answers(client, country):
    country.languages = ["fr", "en"]
    country.save()

    response = post(client, sms("?"))

    assert response.json()["reply"]["text"] == HELP["fr"]


def test_a_registered_resolver_answers_with_the_normalised_number_and_the_senders_phone(
    client, country
):
    asked = []

    def resolver(*, tracking_number, phone):
        asked.append((tracking_number, phone))
        return "In review." if tracking_number == "7K3D9QX2M4" else None

    inbound.tracking_resolver_register(resolver)
    try:
        found = post(client, sms("status 7k3d-9qx2-m4", "op-1", "+33 6 12 34 56 78"))
        missing = post(client, sms("status 7k3d-9qx2-m5", "op-2"))
    finally:
        inbound.tracking_resolver_unregister(resolver)

    assert found.json()["reply"]["text"] == "In review."
    assert missing.json()["reply"]["text"] == NOT_FOUND["en"].format("7K3D9QX2M5")
    assert asked == [("7K3D9QX2M4", PHONE), ("7K3D9QX2M5", PHONE)]


def test_a_number_that_cannot_be_a_tracking_number_is_not_looked_up(client, country):
    asked = []
    resolver = inbound.tracking_resolver_register(lambda **kwargs: asked.append(kwargs))
    try:
        response = post(client, sms("STATUS #1!"))
    finally:
        inbound.tracking_resolver_unregister(resolver)

    assert response.json()["reply"]["text"] == NOT_FOUND["en"].format("#1!")
    assert asked == []


def test_a_repeated_message_is_answered_once(client, country):
    first = post(client, sms("STATUS 7K3D"))

    again = post(client, sms("STATUS 7K3D"))
    changed = post(client, sms("HELP"))  # same id, other text: still the first answer

    assert Notification.objects.count() == 1
    assert again.status_code == changed.status_code == 200
    assert again.json() == changed.json() == {**first.json(), "repeated": True}
    assert DomainEvent.objects.filter(name="notifications.notification_queued").count() == 1


def test_the_reply_goes_out_at_night_through_the_sms_provider(client, country, monkeypatch):
    monkeypatch.setattr("onestop.core.clock.now", lambda: NIGHT_IN_PARIS)
    reply_id = post(client, sms("STATUS 7K3D")).json()["reply"]["id"]

    delivered = services.notification_deliver(notification_id=reply_id)

    assert delivered.not_before is None and delivered.is_urgent
    assert delivered.status == "sent"
    sent = DevelopmentMessage.objects.get()
    assert (sent.recipient, sent.body_text) == (PHONE, NOT_FOUND["en"].format("7K3D"))
    event = DomainEvent.objects.get(name="notifications.notification_queued")
    assert event.actor == f"sms:{PHONE}"
    assert event.payload == {
        "kind": "sms_reply",
        "channel": "sms",
        "attempts": 0,
        "in_reply_to": "op-1",
        "command": "status",
    }


@pytest.mark.parametrize("secret", ["another-secret", ""])
def test_a_bad_signature_is_refused_and_changes_nothing(client, country, secret):
    response = post(client, sms("STATUS 7K3D"), secret=secret)

    assert response.status_code == 403
    assert response.json() == {
        "code": "bad_signature",
        "message": "The signature does not match the body.",
    }
    assert Notification.objects.count() == 0
    assert DomainEvent.objects.count() == 0


def test_without_any_secret_configured_every_message_is_refused(client, country, settings):
    settings.ONESTOP_SMS_CALLBACK_SECRET = ""
    settings.ONESTOP_SMS_GATEWAY_SECRET = ""

    response = post(client, sms("STATUS 7K3D"), secret="")

    assert response.status_code == 403
    assert Notification.objects.count() == 0


def test_the_gateway_secret_signs_when_no_callback_secret_is_set(client, country, settings):
    settings.ONESTOP_SMS_CALLBACK_SECRET = ""
    settings.ONESTOP_SMS_GATEWAY_SECRET = "gateway-secret"

    response = post(client, sms("STATUS 7K3D"), secret="gateway-secret")

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("message", "field", "text"),
    [
        ({"from": PHONE, "text": "STATUS 1"}, "id", '"id" must be a text.'),
        (sms("STATUS 1", message_id="  "), "id", '"id" must be a text.'),
        (sms("STATUS 1", message_id="x" * 201), "id", '"id" must be at most 200 characters.'),
        ({"id": "op-1", "text": "STATUS 1"}, "from", '"from" must be a text.'),
        (sms("STATUS 1", sender=33612345678), "from", '"from" must be a text.'),
        ({"id": "op-1", "from": PHONE}, "text", '"text" must be a text.'),
        (sms(["STATUS"]), "text", '"text" must be a text.'),
    ],
)
def test_a_missing_or_malformed_field_is_a_400_naming_it(client, country, message, field, text):
    response = post(client, message)

    assert response.status_code == 400
    assert response.json() == {"code": "bad_request", "message": text, "field": field}
    assert Notification.objects.count() == 0


def test_an_invalid_sender_number_is_a_400_naming_from(client, country):
    response = post(client, sms("STATUS 1", sender="12"))

    assert response.status_code == 400
    assert response.json()["field"] == "from"
    assert response.json()["code"] == "invalid_input"
    assert Notification.objects.count() == 0


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b'"text"', b"\xff\xfe", b""])
def test_a_body_that_is_not_a_json_object_is_a_400(client, country, raw):
    response = post(client, None, raw=raw)

    assert response.status_code == 400
    assert response.json() == {
        "code": "bad_request",
        "message": 'Send a JSON object with "id", "from" and "text".',
    }
    assert Notification.objects.count() == 0


def test_only_post_is_allowed(client, country):
    assert client.get("/webhooks/sms/inbound").status_code == 405


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [("7k3d-9qx2-m4", "7K3D9QX2M4"), (" il o0 ", "1100"), ("٧k٣d", "7K3D"), ("a–b—c", "ABC")],
)
def test_tracking_numbers_are_normalised_as_people_type_them(typed, normalised):
    assert inbound.tracking_number_normalise(typed) == normalised
