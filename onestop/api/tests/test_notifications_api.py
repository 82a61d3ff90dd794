"""The notifications API for agency systems: keys, scopes, agencies, idempotency, exact JSON."""

import json

import pytest

from onestop.catalog.models import Agency
from onestop.core.models import CountryProfile, DomainEvent
from onestop.integrations.services import api_key_issue, api_key_revoke
from onestop.notifications import services
from onestop.notifications.models import Notification
from onestop.notifications.tests.conftest import NOON_IN_PARIS, SIGN_IN, templates_for

PHONE = "+33612345678"
NOON = "2026-03-02T11:00:00Z"
SEND, READ = "notifications:send", "notifications:read"
KINDS_LISTED = (
    "kind must be one of 'application_acknowledged', 'information_requested', 'decision_made', "
    "'document_ready', 'payment_due', 'reminder', 'feedback_requested', 'sign_in_code', "
    "'task_sla_warning', 'task_unclaimed_warning' or 'task_escalated'."
)


@pytest.fixture(autouse=True)
def world(db, monkeypatch):
    monkeypatch.setattr("onestop.core.clock.now", lambda: NOON_IN_PARIS)
    CountryProfile.objects.create(
        code="FR",
        name={"en": "Testland"},
        languages=["en", "fr"],
        currency="EUR",
        time_zone="Europe/Paris",
        calendar={"working_week": ["mon"], "holidays": {}},
        quiet_hours={"start": "21:00", "end": "08:00"},
    )
    templates_for("sign_in_code", is_urgent=True)


@pytest.fixture
def keys():
    """Tokens by who holds them."""
    civil = Agency.objects.create(code="civil-registry", name={"en": "Civil Registry"})
    tax = Agency.objects.create(code="tax", name={"en": "Tax Office"})

    def issue(agency, scopes):
        return api_key_issue(actor="test", agency=agency, name="Case system", scopes=scopes)

    revoked = issue(civil, [SEND, READ])
    api_key_revoke(actor="test", api_key=revoked.api_key)
    right = issue(civil, [SEND, READ])
    return {
        "right": right.token,
        "prefix": right.api_key.prefix,
        "other_agency": issue(tax, [SEND, READ]).token,
        "send_only": issue(civil, [SEND]).token,
        "read_only": issue(civil, [READ]).token,
        "revoked": revoked.token,
        "wrong": f"osk_{right.api_key.prefix}_not-the-secret",
    }


def send(client, body, token=None, **headers):
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.post(
        "/api/v1/notifications",
        data=json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


def read(client, notification_id, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(f"/api/v1/notifications/{notification_id}", headers=headers)


def sign_in_body(**changes):
    return {
        "kind": "sign_in_code",
        "recipient": {"phone": "+33 6 12 34 56 78"},
        "context": SIGN_IN,
        "idempotency_key": "login-1",
        **changes,
    }


def error(code, message, **details):
    return {"error": {"code": code, "message": message, "details": details}}


def invalid(field, message, location="body", **details):
    return error(
        "invalid_input",
        message,
        field=field,
        errors=[{"field": field, "location": location, "message": message}],
        **details,
    )


def civil_notification():
    [notification] = services.notification_request(
        actor="test",
        kind="sign_in_code",
        recipient=PHONE,
        context=SIGN_IN,
        idempotency_key="agency:civil-registry:seed",
        agency="civil-registry",
    )
    return notification


UNAUTHENTICATED = {
    None: error("api_key_missing", "Send your API key as `Authorization: Bearer <key>`."),
    "wrong": error(
        "api_key_invalid",
        "The API key is unknown or revoked; check it or ask the platform's administrators for "
        "a new one.",
    ),
}
UNAUTHENTICATED["revoked"] = UNAUTHENTICATED["wrong"]


def scope_missing(scope):
    return error(
        "scope_missing",
        f"This API key lacks the scope {scope}; ask the platform's administrators for a key "
        "that has it.",
        scope=scope,
    )


@pytest.mark.parametrize(
    ("holder", "status"),
    [
        (None, 401),
        ("wrong", 401),
        ("revoked", 401),
        ("read_only", 403),
        ("other_agency", 201),
        ("right", 201),
        ("send_only", 201),
    ],
)
def test_send_permission_matrix(client, keys, holder, status):
    response = send(client, sign_in_body(), keys.get(holder))

    assert response.status_code == status
    if status == 401:
        assert response.json() == UNAUTHENTICATED[holder]
        assert response["WWW-Authenticate"] == 'Bearer realm="onestop"'
        assert Notification.objects.count() == 0
    elif status == 403:
        assert response.json() == scope_missing(SEND)
        assert Notification.objects.count() == 0
    else:
        agency = "tax" if holder == "other_agency" else "civil-registry"
        assert Notification.objects.get().agency == agency
        assert Notification.objects.get().request_key == f"agency:{agency}:login-1"


@pytest.mark.parametrize(
    ("holder", "status"),
    [
        (None, 401),
        ("wrong", 401),
        ("revoked", 401),
        ("send_only", 403),
        ("other_agency", 404),
        ("right", 200),
        ("read_only", 200),
    ],
)
def test_read_permission_matrix(client, keys, holder, status):
    notification = civil_notification()

    response = read(client, notification.pk, keys.get(holder))

    assert response.status_code == status
    if status == 401:
        assert response.json() == UNAUTHENTICATED[holder]
    elif status == 403:
        assert response.json() == scope_missing(READ)
    elif status == 404:
        assert response.json() == error(
            "notification_not_found", f"There is no notification {notification.pk}."
        )
    else:
        assert response.json()["id"] == str(notification.pk)


def test_another_agencys_message_and_a_missing_one_get_the_same_404(client, keys):
    notification = civil_notification()
    missing = "01900000-0000-7000-8000-000000000000"

    theirs = read(client, notification.pk, keys["other_agency"])
    nothing = read(client, missing, keys["other_agency"])

    assert theirs.status_code == nothing.status_code == 404
    assert theirs.json() == error(
        "notification_not_found", f"There is no notification {notification.pk}."
    )
    assert nothing.json() == error("notification_not_found", f"There is no notification {missing}.")


def test_send_answers_the_queued_messages_exactly(client, keys):
    response = send(client, sign_in_body(), keys["right"])

    notification = Notification.objects.get()
    assert response.status_code == 201
    assert response.json() == {
        "idempotency_key": "login-1",
        "notifications": [
            {
                "id": str(notification.pk),
                "kind": "sign_in_code",
                "channel": "sms",
                "language": "en",
                "recipient": PHONE,
                "person": "",
                "status": "queued",
                "status_at": NOON,
                "created_at": NOON,
                "not_before": None,
                "attempts": 0,
                "segments": 1,
                "url": f"/api/v1/notifications/{notification.pk}",
                "log": [{"status": "queued", "at": NOON, "reason": ""}],
            }
        ],
    }
    assert notification.body_text == "Ref 482913."
    event = DomainEvent.objects.get(name="notifications.notification_queued")
    assert event.actor == f"agency:civil-registry:{keys['prefix']}"


def test_a_retry_with_the_same_key_answers_200_with_the_same_messages(client, keys):
    first = send(
        client, sign_in_body(idempotency_key=None), keys["right"], **{"Idempotency-Key": "login-1"}
    )

    by_header = send(
        client, sign_in_body(idempotency_key=None), keys["right"], **{"Idempotency-Key": "login-1"}
    )
    by_field = send(client, sign_in_body(), keys["right"])

    assert first.status_code == 201
    assert by_header.status_code == by_field.status_code == 200
    assert by_header.json() == by_field.json() == first.json()
    assert Notification.objects.count() == 1
    assert DomainEvent.objects.filter(name="notifications.notification_queued").count() == 1


def test_the_same_key_from_another_agency_is_another_message(client, keys):
    send(client, sign_in_body(), keys["right"])

    theirs = send(client, sign_in_body(), keys["other_agency"])

    assert theirs.status_code == 201
    assert sorted(Notification.objects.values_list("agency", flat=True)) == [
        "civil-registry",
        "tax",
    ]


def test_a_channel_that_cannot_reach_the_recipient_is_a_422(client, keys):
    response = send(client, sign_in_body(channels=["sms", "email"]), keys["right"])

    assert response.status_code == 422
    assert response.json() == invalid(
        "channels",
        "'email' cannot reach this recipient; a phone is reached by sms, the inbox needs a person.",
    )
    assert Notification.objects.count() == 0


def test_reading_shows_status_and_delivery_log_after_sending(client, keys):
    body = send(client, sign_in_body(language="fr"), keys["right"]).json()
    notification_id = body["notifications"][0]["id"]
    services.notification_deliver(notification_id=notification_id)
    services.notification_status_record(notification_id=notification_id, status="delivered")

    response = read(client, notification_id, keys["read_only"])

    assert response.status_code == 200
    assert response.json() == {
        **body["notifications"][0],
        "language": "fr",
        "status": "delivered",
        "attempts": 1,
        "log": [
            {"status": "queued", "at": NOON, "reason": ""},
            {"status": "sent", "at": NOON, "reason": ""},
            {"status": "delivered", "at": NOON, "reason": ""},
        ],
    }


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"recipient": {"phone": "12"}},
            invalid(
                "recipient.phone",
                "'12' is not a valid phone number; check the digits and the country code.",
            ),
        ),
        (
            {"recipient": {"phone": "abc"}},
            invalid(
                "recipient.phone",
                "'abc' is not a phone number (The string supplied did not seem to be a phone "
                "number.); write it as a FR number or with its country code (+…).",
            ),
        ),
        (
            {"recipient": {"email": "nobody"}},
            invalid(
                "recipient.email",
                "'nobody' is not an e-mail address; write it as name@example.org.",
            ),
        ),
        (
            {"recipient": {"phone": PHONE, "email": "a@example.org"}},
            invalid(
                "recipient",
                "Give either recipient.phone or recipient.email (one request per "
                "address), optionally with recipient.person.",
            ),
        ),
        (
            {"recipient": {"person": "p-1"}},
            invalid(
                "recipient",
                "Give either recipient.phone or recipient.email (one request per "
                "address), optionally with recipient.person.",
            ),
        ),
        (
            {"kind": "birthday"},
            error(
                "invalid_input",
                KINDS_LISTED,
                errors=[{"field": "kind", "location": "body", "message": KINDS_LISTED}],
            ),
        ),
        (
            {"context": {**SIGN_IN, "colour": "red"}},
            invalid(
                "context",
                "A sign_in_code message needs exactly code, minutes_valid; unknown colour.",
                missing=[],
                unknown=["colour"],
            ),
        ),
        (
            {"context": {"code": "1"}},
            invalid(
                "context",
                "A sign_in_code message needs exactly code, minutes_valid; missing minutes_valid. ",
                missing=["minutes_valid"],
                unknown=[],
            ),
        ),
        (
            {"idempotency_key": None},
            invalid(
                "idempotency_key",
                "Send an Idempotency-Key header (or an idempotency_key field): "
                "a text of your own, unique per message, that you repeat only to retry the same "
                "request.",
            ),
        ),
        ({"language": "de"}, invalid("language", "language must be one of en, fr, ru, ar.")),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_the_fix(client, keys, changes, expected):
    response = send(client, sign_in_body(**changes), keys["right"])

    assert response.status_code == 422
    assert response.json() == expected
    assert Notification.objects.count() == 0
    assert DomainEvent.objects.filter(name__startswith="notifications.notification").count() == 0


def test_a_header_and_field_that_disagree_are_refused(client, keys):
    response = send(client, sign_in_body(), keys["right"], **{"Idempotency-Key": "other"})

    assert response.status_code == 422
    assert response.json() == invalid(
        "Idempotency-Key",
        "The Idempotency-Key header and the idempotency_key field differ; send one of them.",
        location="header",
    )
    assert Notification.objects.count() == 0


def test_a_key_reused_for_another_kind_is_a_409(client, keys):
    templates_for("reminder")
    send(client, sign_in_body(), keys["right"])
    reminder = {
        "recipient_name": "A",
        "tracking_number": "7K3D",
        "subject": "S",
        "due_on": "2026-03-09",
        "track_url": "https://x.example/t",
    }

    response = send(client, sign_in_body(kind="reminder", context=reminder), keys["right"])

    assert response.status_code == 409
    assert response.json() == error(
        "idempotency_key_reused",
        "The idempotency key 'agency:civil-registry:login-1' was used for a sign_in_code "
        "message; use a new key.",
    )
    assert Notification.objects.count() == 1


def test_a_malformed_id_is_a_422_not_a_500(client, keys):
    response = read(client, "not-an-id", keys["right"])

    assert response.status_code == 422
    assert response.json()["error"]["details"]["errors"][0]["field"] == "notification_id"
