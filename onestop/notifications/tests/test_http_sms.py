"""SMS through an operator's HTTP gateway, played by a local HTTP server, and the operator's
signed delivery-status callbacks."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from onestop.core.models import DomainEvent
from onestop.notifications import services
from onestop.notifications.models import DeliveryLog, Notification
from onestop.notifications.providers.http_sms import signature
from onestop.notifications.tests.conftest import ACKNOWLEDGED

SECRET = "operator-shared-secret"


class Operator:
    """Accepts each idempotency key once, as a real gateway does; `answers` scripts the HTTP
    status of successive requests (after recording or before, as `record_first` says)."""

    def __init__(self, answers, record_first=False):
        self.answers = list(answers)
        self.record_first = record_first
        self.requests: list[dict] = []
        self.accepted: dict[str, dict] = {}

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        body = handler.rfile.read(int(handler.headers["Content-Length"]))
        key = handler.headers["Idempotency-Key"]
        self.requests.append(
            {
                "key": key,
                "signature_ok": handler.headers["X-Onestop-Signature"] == signature(SECRET, body),
                "body": json.loads(body),
            }
        )
        status = self.answers.pop(0) if self.answers else 200
        if status == 200 or self.record_first:
            self.accepted.setdefault(key, json.loads(body))
        reply = {"message_id": f"op-{key[:8]}"} if status == 200 else {"error": "invalid number"}
        data = json.dumps(reply).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)


@pytest.fixture
def operator(settings):
    servers = []

    def start(answers=(), record_first=False):
        played = Operator(answers, record_first)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                played.handle(self)

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        servers.append(server)
        settings.ONESTOP_SMS_PROVIDER = "http_sms"
        settings.ONESTOP_SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
        settings.ONESTOP_SMS_GATEWAY_SECRET = SECRET
        return played

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _sms():
    [notification] = services.notification_request(
        actor="test",
        kind="application_acknowledged",
        recipient="+33612345678",
        context=ACKNOWLEDGED,
        idempotency_key="app-1:ack",
    )
    return notification


def test_the_gateway_receives_a_signed_message(acknowledged_templates, at_noon, operator):
    played = operator()
    notification = _sms()

    sent = services.notification_deliver(notification_id=str(notification.pk))

    assert played.requests == [
        {
            "key": str(notification.pk),
            "signature_ok": True,
            "body": {
                "id": str(notification.pk),
                "to": "+33612345678",
                "text": "Ref 7K3D-9QX2-M4.",
                "sender": "onestop",
            },
        }
    ]
    assert (sent.status, sent.provider, sent.provider_message_id) == (
        "sent",
        "http_sms",
        f"op-{str(notification.pk)[:8]}",
    )


def test_an_outage_is_retried_with_backoff_and_delivered_once(
    acknowledged_templates, at_noon, operator, monkeypatch
):
    # given: the operator stores the message, then fails twice before answering
    played = operator(answers=[503, 502], record_first=True)
    notification = _sms()
    key = str(notification.pk)

    # when: the first attempt fails; the retry comes 30 s later, the next 60 s after that
    first = services.notification_deliver(notification_id=key)
    early = services.notification_deliver(notification_id=key)
    monkeypatch.setattr("onestop.core.clock.now", lambda: at_noon + timedelta(seconds=30))
    second = services.notification_deliver(notification_id=key)
    monkeypatch.setattr("onestop.core.clock.now", lambda: at_noon + timedelta(seconds=90))
    third = services.notification_deliver(notification_id=key)
    fourth = services.notification_deliver(notification_id=key)

    # then
    assert (first.status, first.attempts, first.not_before) == (
        "queued",
        1,
        at_noon + timedelta(seconds=30),
    )
    assert (early.status, early.attempts) == ("queued", 1)
    assert (second.status, second.not_before) == ("queued", at_noon + timedelta(seconds=90))
    assert (third.status, third.attempts, fourth.attempts) == ("sent", 3, 3)
    assert [request["key"] for request in played.requests] == [key, key, key]
    assert list(played.accepted) == [key]
    assert [(row.status, row.reason) for row in DeliveryLog.objects.order_by("at", "id")] == [
        ("queued", ""),
        (
            "queued",
            "attempt 1 failed: gateway answered 503; next attempt at 2026-03-02T11:00:30+00:00",
        ),
        (
            "queued",
            "attempt 2 failed: gateway answered 502; next attempt at 2026-03-02T11:01:30+00:00",
        ),
        ("sent", ""),
    ]


def test_retries_stop_after_the_last_attempt(
    acknowledged_templates, at_noon, operator, settings, monkeypatch
):
    settings.ONESTOP_NOTIFICATION_MAX_ATTEMPTS = 2
    operator(answers=[500, 500, 500])
    notification = _sms()

    services.notification_deliver(notification_id=str(notification.pk))
    monkeypatch.setattr("onestop.core.clock.now", lambda: at_noon + timedelta(minutes=1))
    failed = services.notification_deliver(notification_id=str(notification.pk))

    assert (failed.status, failed.attempts) == ("failed", 2)
    assert failed.log.last().reason == "gave up after 2 attempts: gateway answered 500"


def test_a_refusal_fails_the_message_with_the_operators_reason(
    acknowledged_templates, at_noon, operator
):
    played = operator(answers=[400])
    notification = _sms()

    failed = services.notification_deliver(notification_id=str(notification.pk))
    again = services.notification_deliver(notification_id=str(notification.pk))

    assert (failed.status, again.status, len(played.requests)) == ("failed", "failed", 1)
    assert failed.log.last().reason == "gateway refused the message (400): invalid number"
    assert DomainEvent.objects.filter(name="notifications.notification_failed").count() == 1


def _callback(client, body: dict, secret: str = SECRET):
    raw = json.dumps(body).encode()
    return client.post(
        "/webhooks/sms/status",
        data=raw,
        content_type="application/json",
        headers={"X-Onestop-Signature": signature(secret, raw)},
    )


@pytest.fixture
def mounted(settings):
    settings.ROOT_URLCONF = "onestop.notifications.tests.urls"
    settings.ONESTOP_SMS_GATEWAY_SECRET = SECRET


def test_a_signed_delivery_report_marks_the_message_delivered_once(
    acknowledged_templates, at_noon, operator, client, mounted
):
    operator()
    notification = _sms()
    services.notification_deliver(notification_id=str(notification.pk))
    report = {"id": str(notification.pk), "status": "delivered"}

    first = _callback(client, report)
    second = _callback(client, report)

    assert (first.status_code, first.json()) == (
        200,
        {"id": str(notification.pk), "status": "delivered", "changed": True},
    )
    assert (second.status_code, second.json()["changed"]) == (200, False)
    assert [row.status for row in notification.log.all()] == ["queued", "sent", "delivered"]


def test_a_failure_report_records_its_reason(
    acknowledged_templates, at_noon, operator, client, mounted
):
    operator()
    notification = _sms()
    services.notification_deliver(notification_id=str(notification.pk))

    response = _callback(
        client, {"id": str(notification.pk), "status": "failed", "reason": "handset off"}
    )

    assert response.status_code == 200
    assert (notification.log.last().status, notification.log.last().reason) == (
        "failed",
        "handset off",
    )


def test_a_report_with_a_bad_signature_is_refused_and_changes_nothing(
    acknowledged_templates, at_noon, operator, client, mounted
):
    operator()
    notification = _sms()
    services.notification_deliver(notification_id=str(notification.pk))
    events = DomainEvent.objects.count()

    response = _callback(
        client, {"id": str(notification.pk), "status": "delivered"}, secret="guessed"
    )

    assert (response.status_code, response.json()["code"]) == (403, "bad_signature")
    assert Notification.objects.get().status == "sent"
    assert DomainEvent.objects.count() == events


def test_a_report_for_an_unknown_message_is_not_found(db, client, mounted):
    response = _callback(
        client, {"id": "0190f5a6-0000-7000-8000-000000000000", "status": "delivered"}
    )

    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_a_report_that_is_not_json_is_a_bad_request(db, client, mounted):
    raw = b"status=delivered"
    response = client.post(
        "/webhooks/sms/status",
        data=raw,
        content_type="text/plain",
        headers={"X-Onestop-Signature": signature(SECRET, raw)},
    )

    assert response.status_code == 400
