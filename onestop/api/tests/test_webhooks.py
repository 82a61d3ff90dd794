"""Webhooks on new tasks, against a real local HTTP server (a thread running http.server) that
records what it receives and answers what the test tells it to: signed, retried with backoff,
parked after the last attempt, each attempt logged, never in the submission's way."""

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from conftest import clock_freeze
from onestop.api.tests.test_applications_api import ANSWERS, SERVICE
from onestop.applications.tests.factories import (
    agency_get_or_make,
    application_make,
    service_version_make,
)
from onestop.applications.tests.intake_fixtures import (
    card_holder,
    citizen_make,
    frozen,  # noqa: F401
    population,  # noqa: F401
)
from onestop.core.errors import Conflict, InvalidInput
from onestop.core.events import event_record
from onestop.core.models import DomainEvent
from onestop.integrations.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from onestop.integrations.subscribers import webhooks_task_created
from onestop.integrations.webhooks import (
    SIGNATURE_HEADER,
    retry_delay,
    webhook_add,
    webhook_deliver,
    webhook_deliveries_queue,
    webhook_deliveries_redeliver_stuck,
    webhook_delivery_retry,
    webhook_signature,
    webhook_signature_verify,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
SECRET = "a-shared-secret-of-enough-length"


class Receiver:
    """What the server received, and the statuses it answers with, in order (then 200)."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.answers: list[int] = []
        self.lock = threading.Lock()

    def reset(self, *answers: int) -> None:
        with self.lock:
            self.requests.clear()
            self.answers = list(answers)


@pytest.fixture(scope="module")
def receiver():
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with state.lock:
                state.requests.append({"headers": dict(self.headers), "body": body})
                status = state.answers.pop(0) if state.answers else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def world(settings, receiver, monkeypatch):
    settings.ONESTOP_WEBHOOK_ALLOW_HTTP_LOOPBACK = True
    settings.ONESTOP_WEBHOOK_MAX_ATTEMPTS = 3
    settings.ONESTOP_WEBHOOK_RETRY_BASE_SECONDS = 30
    settings.ONESTOP_WEBHOOK_TIMEOUT = 2
    clock = clock_freeze(monkeypatch, NOW)
    receiver.reset()
    civil, tax = agency_get_or_make("civil"), agency_get_or_make("tax")
    endpoint, _ = webhook_add(actor="test", agency=civil, url=receiver.url, secret=SECRET)
    return {"civil": civil, "tax": tax, "endpoint": endpoint, "clock": clock}


def task_created(agency, **payload):
    """The event intake records for a new task (intake.py `_events`)."""
    application = application_make(versions=[service_version_make(agency=agency)])
    task = application.tasks.get()
    return event_record(
        name="task.created",
        actor="citizen:1",
        entity_type="applications.agencytask",
        entity_id=str(task.pk),
        payload={
            "task": str(task.pk),
            "application": str(application.pk),
            "agency": agency.code,
            "service": task.service_version.service.code,
            "due_at": task.due_at.isoformat(),
            **payload,
        },
    )


def queued_tasks(delivery):
    return [
        row
        for row in DBTaskResult.objects.filter(task_path__endswith="webhook_deliver_task")
        if row.args_kwargs.get("kwargs", {}).get("delivery_id") == str(delivery.pk)
    ]


def test_a_new_task_queues_one_delivery_per_endpoint_of_its_agency_only(world, receiver):
    event = task_created(world["civil"])
    task_created(world["tax"])  # another agency: nothing for civil's endpoint

    webhooks_task_created(event)
    webhooks_task_created(event)  # a redelivered event queues nothing more

    delivery = WebhookDelivery.objects.get()
    assert delivery.event_id == event.pk and delivery.status == DeliveryStatus.PENDING
    assert len(queued_tasks(delivery)) == 1
    assert receiver.requests == []  # nothing is sent inside the event's transaction
    assert delivery.payload["data"]["url"] == f"/api/v1/agency/tasks/{event.entity_id}"


def test_the_subscriber_is_registered_for_task_created(world):
    event = task_created(world["civil"])
    deliveries = event.deliveries.values_list("subscriber_name", flat=True)
    assert "integrations.webhooks_task_created" in set(deliveries)


def test_a_delivery_is_signed_and_verifiable_by_the_receiver(world, receiver):
    [delivery] = webhook_deliveries_queue(event=task_created(world["civil"]))

    delivered = webhook_deliver(delivery_id=delivery.pk)

    assert delivered.status == DeliveryStatus.DELIVERED
    [request] = receiver.requests
    headers = {key.lower(): value for key, value in request["headers"].items()}
    assert headers["onestop-webhook-id"] == str(delivery.pk)
    assert headers["onestop-event"] == "task.created"
    assert headers["content-type"] == "application/json"
    signature = headers[SIGNATURE_HEADER.lower()]
    assert webhook_signature_verify(secret=SECRET, header=signature, body=request["body"])
    assert not webhook_signature_verify(
        secret="another-secret-of-enough-length", header=signature, body=request["body"]
    )
    assert not webhook_signature_verify(
        secret=SECRET, header=signature, body=request["body"] + b" "
    )
    body = json.loads(request["body"])
    assert body["id"] == str(delivery.pk) and body["event"] == "task.created"
    assert set(body["data"]) == {"task", "application", "agency", "service", "due_at", "url"}
    [attempt] = delivered.attempt_log.all()
    assert attempt.status_code == 200 and attempt.error == ""


def test_an_old_signature_is_refused():
    body = b"{}"
    header = webhook_signature(secret=SECRET, timestamp=1_000_000, body=body)
    assert webhook_signature_verify(secret=SECRET, header=header, body=body, now=1_000_100)
    assert not webhook_signature_verify(secret=SECRET, header=header, body=body, now=1_000_400)
    assert not webhook_signature_verify(secret=SECRET, header="garbage", body=body)


def test_a_500_is_retried_with_backoff_then_a_200_delivers(world, receiver):
    receiver.reset(500)
    [delivery] = webhook_deliveries_queue(event=task_created(world["civil"]))

    first = webhook_deliver(delivery_id=delivery.pk)

    assert first.status == DeliveryStatus.PENDING and first.attempts == 1
    assert first.next_attempt_at == NOW + timedelta(seconds=30)
    assert first.last_error == "HTTP 500"
    delays = [row.run_after for row in queued_tasks(delivery) if row.run_after.year < 9999]
    assert delays == [NOW + timedelta(seconds=30)]  # the first task ran at once (no run_after)

    world["clock"].advance(seconds=30)
    second = webhook_deliver(delivery_id=delivery.pk)

    assert second.status == DeliveryStatus.DELIVERED and second.attempts == 2
    assert len(receiver.requests) == 2
    first_id = receiver.requests[0]["headers"]["Onestop-Webhook-Id"]
    assert receiver.requests[1]["headers"]["Onestop-Webhook-Id"] == first_id  # same id: dedupe
    log = list(second.attempt_log.values_list("number", "status_code", "error"))
    assert log == [(1, 500, "HTTP 500"), (2, 200, "")]
    assert webhook_deliver(delivery_id=delivery.pk).attempts == 2  # a duplicate task sends nothing
    assert len(receiver.requests) == 2


def test_after_the_last_attempt_the_delivery_is_parked_and_can_be_sent_again(world, receiver):
    receiver.reset(500, 503, 500)
    [delivery] = webhook_deliveries_queue(event=task_created(world["civil"]))

    for _ in range(3):
        delivery = webhook_deliver(delivery_id=delivery.pk)
        world["clock"].advance(hours=1)

    assert delivery.status == DeliveryStatus.PARKED
    assert delivery.attempts == 3 and delivery.next_attempt_at is None
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 503, 500]
    assert webhook_deliver(delivery_id=delivery.pk).status == DeliveryStatus.PARKED
    assert len(receiver.requests) == 3

    again = webhook_delivery_retry(actor="staff:admin", delivery=delivery)
    assert again.status == DeliveryStatus.PENDING
    assert webhook_deliver(delivery_id=delivery.pk).status == DeliveryStatus.DELIVERED
    assert list(delivery.attempt_log.values_list("number", flat=True)) == [1, 2, 3, 4]
    with pytest.raises(Conflict):
        webhook_delivery_retry(actor="staff:admin", delivery=delivery)


def test_an_unreachable_endpoint_is_logged_as_a_failed_attempt(world, settings):
    endpoint = WebhookEndpoint.objects.get()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url="http://127.0.0.1:9/hooks")
    [delivery] = webhook_deliveries_queue(event=task_created(world["civil"]))

    failed = webhook_deliver(delivery_id=delivery.pk)

    assert failed.status == DeliveryStatus.PENDING
    [attempt] = failed.attempt_log.all()
    assert attempt.status_code is None and "Connect" in attempt.error


def test_retry_delay_doubles_up_to_its_cap(settings):
    settings.ONESTOP_WEBHOOK_RETRY_BASE_SECONDS = 30
    settings.ONESTOP_WEBHOOK_RETRY_MAX_SECONDS = 100
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 100, 100]


def test_a_lost_task_is_enqueued_again_once(world):
    [delivery] = webhook_deliveries_queue(event=task_created(world["civil"]))
    world["clock"].advance(minutes=20)

    assert webhook_deliveries_redeliver_stuck(older_than=timedelta(minutes=15)) == 1
    assert webhook_deliveries_redeliver_stuck(older_than=timedelta(minutes=15)) == 0
    assert len(queued_tasks(delivery)) == 2


def test_the_background_worker_runs_the_delivery(world, receiver):
    """The task itself, as the worker runs it (django-tasks' own entry point)."""
    from onestop.integrations.tasks import webhook_deliver_task

    [delivery] = webhook_deliveries_queue(event=task_created(world["civil"]))
    [row] = queued_tasks(delivery)

    row.task.call(**row.args_kwargs["kwargs"])

    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED
    assert row.task.func is webhook_deliver_task.func
    assert len(receiver.requests) == 1


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://cases.example.gov/hooks", True),
        ("http://cases.example.gov/hooks", False),
        ("http://127.0.0.1:8080/hooks", True),  # loopback, allowed in this test's settings
        ("http://10.0.0.5/hooks", False),
        ("https://user:pass@cases.example.gov/hooks", False),
        ("ftp://cases.example.gov/", False),
        ("cases.example.gov/hooks", False),
        ("https://[::1", False),
        ("", False),
    ],
)
def test_only_https_addresses_are_registered(world, url, allowed):
    if allowed:
        endpoint, secret = webhook_add(actor="test", agency=world["tax"], url=url)
        assert endpoint.url == url and len(secret) >= 24
        return
    with pytest.raises(InvalidInput) as refused:
        webhook_add(actor="test", agency=world["tax"], url=url, secret=SECRET)
    assert refused.value.details["field"] == "url"


def test_plain_http_to_loopback_needs_the_setting(world, settings):
    settings.ONESTOP_WEBHOOK_ALLOW_HTTP_LOOPBACK = False
    with pytest.raises(InvalidInput):
        webhook_add(actor="test", agency=world["tax"], url="http://127.0.0.1:8080/x")


def test_a_short_secret_and_a_duplicate_are_refused(world, receiver):
    with pytest.raises(InvalidInput) as short:
        webhook_add(actor="test", agency=world["tax"], url="https://a.example/x", secret="short")
    assert short.value.details["field"] == "secret"
    with pytest.raises(Conflict):
        webhook_add(actor="test", agency=world["civil"], url=receiver.url, secret=SECRET)


def test_the_command_adds_lists_and_switches_off(world, capsys):
    call_command("webhook", "add", "--agency", "tax", "--url", "https://tax.example/hooks")
    out = capsys.readouterr().out
    secret = out.strip().splitlines()[-1]
    endpoint = WebhookEndpoint.objects.get(agency=world["tax"])
    assert endpoint.secret == secret and len(secret) >= 24

    call_command("webhook", "list")
    listed = capsys.readouterr().out
    assert "https://tax.example/hooks" in listed and secret not in listed

    call_command("webhook", "off", str(endpoint.pk))
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert webhook_deliveries_queue(event=task_created(world["tax"])) == []


def test_a_submission_does_not_wait_for_the_endpoint(world, receiver):
    """The event is recorded with the new task; nothing is sent until the worker runs."""
    event = task_created(world["civil"])
    assert DomainEvent.objects.filter(pk=event.pk).exists()
    assert receiver.requests == []
    assert WebhookDelivery.objects.count() == 0  # queued only when the event is delivered


def test_a_submission_through_the_api_reaches_the_agencys_endpoint(
    population,  # noqa: F811
    frozen,  # noqa: F811
    settings,
    receiver,
    client,
):
    """End to end: the citizen's submission answers at once; the event's delivery queues the
    webhook; the worker's attempt reaches the agency's endpoint with the new task's id."""
    from onestop.applications.models import AgencyTask
    from onestop.catalog.models import Service
    from onestop.core.dispatch import delivery_run
    from onestop.core.models import EventDelivery

    settings.ONESTOP_WEBHOOK_ALLOW_HTTP_LOOPBACK = True
    receiver.reset()
    service = Service.objects.select_related("agency").get(code=SERVICE)
    webhook_add(actor="test", agency=service.agency, url=receiver.url, secret=SECRET)
    account = citizen_make(card_holder())
    client.force_login(account.user)

    response = client.post(
        "/api/v1/applications",
        data=json.dumps({"services": [SERVICE], "answers": ANSWERS}),
        content_type="application/json",
        headers={"Idempotency-Key": "e2e"},
    )

    assert response.status_code == 201, response.json()
    assert receiver.requests == [] and WebhookDelivery.objects.count() == 0
    event_delivery = EventDelivery.objects.get(
        event__name="task.created", subscriber_name="integrations.webhooks_task_created"
    )
    assert delivery_run(delivery_id=event_delivery.pk) == "succeeded"
    delivered = webhook_deliver(delivery_id=WebhookDelivery.objects.get().pk)
    assert delivered.status == DeliveryStatus.DELIVERED
    [request] = receiver.requests
    task = AgencyTask.objects.get()
    assert json.loads(request["body"])["data"]["task"] == str(task.pk)
    assert json.loads(request["body"])["data"]["agency"] == service.agency.code


def test_a_delivery_another_worker_is_sending_or_not_yet_due_is_left_alone(world, receiver):
    [delivery] = webhook_deliveries_queue(event=task_created(world["civil"]))
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=NOW + timedelta(seconds=20)  # another worker's lease
    )

    untouched = webhook_deliver(delivery_id=delivery.pk)

    assert untouched.attempts == 0 and receiver.requests == []
    world["clock"].advance(seconds=21)  # the lease ran out (that worker died)
    assert webhook_deliver(delivery_id=delivery.pk).status == DeliveryStatus.DELIVERED
    assert len(receiver.requests) == 1
