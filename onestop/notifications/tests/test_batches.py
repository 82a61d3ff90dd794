import socket
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from conftest import postgresql_only
from onestop.core.audit import audit_verify
from onestop.core.errors import Conflict, InvalidInput
from onestop.core.models import DomainEvent
from onestop.notifications import batches
from onestop.notifications.batches import MessageRequest
from onestop.notifications.models import DeliveryLog, DevelopmentMessage, Notification
from onestop.notifications.providers import (
    OutgoingMessage,
    PermanentFailure,
    SendResult,
    TemporaryFailure,
    send_all,
)
from onestop.notifications.providers.development import DevelopmentProvider
from onestop.notifications.tests.conftest import (
    ACKNOWLEDGED,
    NIGHT_IN_PARIS,
    NOON_IN_PARIS,
    templates_for,
)

DRAIN = "onestop.notifications.tasks.notifications_drain_task"
DELIVER = "onestop.notifications.tasks.notification_deliver_task"


def _request(number: int, **overrides):
    fields = {
        "kind": "application_acknowledged",
        "recipient": f"+336{12345600 + number}",
        "context": {**ACKNOWLEDGED, "tracking_number": f"T{number}"},
        "idempotency_key": f"bulk:{number}",
    }
    return MessageRequest(**(fields | overrides))


def _drains():
    return list(DBTaskResult.objects.filter(task_path=DRAIN).order_by("enqueued_at"))


def _run_after(task):
    return None if task.run_after.year == 9999 else task.run_after


def _snapshot():
    return (
        Notification.objects.count(),
        DeliveryLog.objects.count(),
        DomainEvent.objects.count(),
        DBTaskResult.objects.count(),
        DevelopmentMessage.objects.count(),
    )


def _queued(count: int, **overrides):
    return batches.notification_request_many(
        actor="agency-system", requests=[_request(n, **overrides) for n in range(count)]
    )


def test_many_requests_are_queued_rendered_with_one_event_and_a_drain_per_batch(
    acknowledged_templates, at_noon, settings
):
    settings.ONESTOP_NOTIFICATION_BATCH_SIZE = 2

    rows = batches.notification_request_many(
        actor="agency-system",
        requests=[
            _request(0),
            _request(1, recipient="amina@example.org", language="fr"),
            _request(2, person="person-7"),
        ],
    )

    assert [[(row.channel, row.recipient, row.language) for row in group] for group in rows] == [
        [("sms", "+33612345600", "en")],
        [("email", "amina@example.org", "fr")],
        [("sms", "+33612345602", "en"), ("inbox", "+33612345602", "en")],
    ]
    assert [group[0].body_text for group in rows] == ["Ref T0.", "[fr] Plain T1.", "Ref T2."]
    assert [row.status for row in Notification.objects.all()] == ["queued"] * 4
    assert DeliveryLog.objects.filter(status="queued").count() == 4
    [event] = DomainEvent.objects.filter(name="notifications.notifications_queued")
    assert (event.actor, event.payload["count"]) == ("agency-system", 4)
    assert sorted(event.payload["notifications"]) == sorted(
        str(row.pk) for group in rows for row in group
    )
    assert [(_run_after(task), task.queue_name) for task in _drains()] == [
        (None, "notifications")
    ] * 2
    assert DBTaskResult.objects.filter(task_path=DELIVER).count() == 0


def test_repeated_keys_return_the_first_rows_and_queue_nothing_more(
    acknowledged_templates, at_noon
):
    first = _queued(3)
    before = _snapshot()

    again = batches.notification_request_many(
        actor="agency-system", requests=[_request(1), _request(1), _request(2)]
    )

    assert [[row.pk for row in group] for group in again] == [
        [first[1][0].pk],
        [first[1][0].pk],
        [first[2][0].pk],
    ]
    assert _snapshot() == before


def test_one_invalid_request_queues_nothing_and_is_named(acknowledged_templates, at_noon):
    before = _snapshot()

    with pytest.raises(InvalidInput) as raised:
        batches.notification_request_many(
            actor="agency-system",
            requests=[_request(0), _request(1, recipient="+33 1"), _request(2)],
        )

    assert raised.value.details == {"index": 1, "field": "recipient"}
    assert raised.value.message.startswith("Request 1: '+33 1' is not")
    assert _snapshot() == before


def test_a_key_given_for_two_kinds_is_a_conflict(acknowledged_templates, at_noon):
    templates_for("sign_in_code", is_urgent=True)
    before = _snapshot()

    with pytest.raises(Conflict):
        batches.notification_request_many(
            actor="agency-system",
            requests=[
                _request(0),
                _request(0, kind="sign_in_code", context={"code": "1", "minutes_valid": "5"}),
            ],
        )

    assert _snapshot() == before


def test_more_requests_than_the_limit_are_refused(acknowledged_templates, at_noon):
    before = _snapshot()

    with pytest.raises(InvalidInput) as raised:
        batches.notification_request_many(
            actor="x", requests=[_request(0)] * (batches.REQUEST_MANY_LIMIT + 1)
        )

    assert raised.value.details == {"field": "requests"}
    assert _snapshot() == before


def test_in_quiet_hours_the_drain_waits_for_the_morning(acknowledged_templates, monkeypatch):
    monkeypatch.setattr("onestop.core.clock.now", lambda: NIGHT_IN_PARIS)
    morning = datetime(2026, 3, 3, 7, 0, tzinfo=UTC)

    [[row]] = _queued(1)
    outcome = batches.notifications_deliver_due()

    assert (row.not_before, [_run_after(task) for task in _drains()]) == (morning, [morning])
    assert (outcome, DevelopmentMessage.objects.count()) == (batches.DrainOutcome(0, 0, 0), 0)


def test_a_drain_sends_each_due_message_once_and_logs_it(acknowledged_templates, at_noon):
    groups = _queued(3, person="person-1")
    events = DomainEvent.objects.count()

    first = batches.notifications_deliver_due()
    second = batches.notifications_deliver_due()

    assert (first, second) == (batches.DrainOutcome(6, 6, 0), batches.DrainOutcome(0, 0, 0))
    rows = {row.pk: row for row in Notification.objects.all()}
    sms = [rows[group[0].pk] for group in groups]
    inbox = [rows[group[1].pk] for group in groups]
    assert [(row.status, row.provider, row.attempts) for row in sms] == [
        ("sent", "development", 1)
    ] * 3
    assert [(row.status, row.provider, row.claimed_until) for row in inbox] == [
        ("delivered", "inbox", None)
    ] * 3
    stored = {row.idempotency_key: row.pk for row in DevelopmentMessage.objects.all()}
    assert {row.provider_message_id for row in sms} == {f"dev-{stored[str(row.pk)]}" for row in sms}
    assert [row.body_text for row in DevelopmentMessage.objects.order_by("body_text")] == [
        "Ref T0.",
        "Ref T1.",
        "Ref T2.",
    ]
    for row in rows.values():
        assert [entry.status for entry in row.log.all()] == ["queued", row.status]
    [event] = DomainEvent.objects.filter(name="notifications.notifications_sent")
    assert DomainEvent.objects.count() == events + 1
    assert sorted(event.payload) == ["delivered:inbox", "sent:development"]
    assert sorted(event.payload["sent:development"]) == sorted(str(row.pk) for row in sms)
    assert audit_verify() == []


def test_a_drain_skips_messages_under_another_drainers_lease(acknowledged_templates, at_noon):
    groups = _queued(2)
    held = groups[0][0]
    Notification.objects.filter(pk=held.pk).update(claimed_until=at_noon + timedelta(seconds=60))

    outcome = batches.notifications_deliver_due()

    assert outcome == batches.DrainOutcome(1, 1, 0)
    assert Notification.objects.get(pk=held.pk).status == "queued"
    assert list(DevelopmentMessage.objects.values_list("idempotency_key", flat=True)) == [
        str(groups[1][0].pk)
    ]


def test_a_drain_takes_at_most_its_limit(acknowledged_templates, at_noon):
    _queued(5)

    outcomes = [batches.notifications_deliver_due(limit=2) for _ in range(4)]

    assert [outcome.sent for outcome in outcomes] == [2, 2, 1, 0]
    assert DevelopmentMessage.objects.count() == 5


def test_a_message_already_sent_elsewhere_is_not_recorded_twice(acknowledged_templates, at_noon):
    [[row]] = _queued(1)
    claimed = batches._claim(10)
    Notification.objects.filter(pk=row.pk).update(status="sent")

    recorded = batches._record_sent(
        [(claimed[0], "development", SendResult(provider_message_id="dev-1"))]
    )

    assert recorded == 0
    assert [entry.status for entry in row.log.all()] == ["queued"]
    assert not DomainEvent.objects.filter(name="notifications.notifications_sent").exists()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_gateway_keeps_the_message_queued_with_a_retry(
    acknowledged_templates, at_noon, settings
):
    settings.ONESTOP_SMS_PROVIDER = "http_sms"
    settings.ONESTOP_SMS_GATEWAY_URL = f"http://127.0.0.1:{_closed_port()}/send"
    settings.ONESTOP_SMS_GATEWAY_TIMEOUT = 2
    [[row]] = _queued(1)

    outcome = batches.notifications_deliver_due()

    row.refresh_from_db()
    assert outcome == batches.DrainOutcome(1, 0, 1)
    assert (row.status, row.attempts, row.claimed_until) == ("queued", 1, None)
    assert row.not_before == at_noon + timedelta(seconds=30)
    [retry] = DBTaskResult.objects.filter(task_path=DELIVER)
    assert (retry.args_kwargs["args"], _run_after(retry)) == ([str(row.pk)], row.not_before)
    assert [entry.status for entry in row.log.all()] == ["queued", "queued"]
    assert row.log.last().reason.startswith("attempt 1 failed: gateway unreachable")


def test_the_overdue_check_enqueues_only_the_drains_missing(
    acknowledged_templates, monkeypatch, settings
):
    settings.ONESTOP_NOTIFICATION_BATCH_SIZE = 2
    monkeypatch.setattr("onestop.core.clock.now", lambda: NOON_IN_PARIS)
    _queued(5)
    DBTaskResult.objects.filter(task_path=DRAIN).update(status=TaskResultStatus.SUCCESSFUL)
    later = NOON_IN_PARIS + timedelta(minutes=3)
    monkeypatch.setattr("onestop.core.clock.now", lambda: later)

    first = batches.notifications_drain_overdue(older_than=timedelta(minutes=2))
    second = batches.notifications_drain_overdue(older_than=timedelta(minutes=2))

    assert (first, second) == (3, 0)
    assert len([task for task in _drains() if task.status == TaskResultStatus.READY]) == 3


def test_nothing_overdue_enqueues_nothing(acknowledged_templates, at_noon):
    _queued(2)
    tasks = DBTaskResult.objects.count()

    assert batches.notifications_drain_overdue(older_than=timedelta(minutes=2)) == 0
    assert DBTaskResult.objects.count() == tasks


def _message(key: str) -> OutgoingMessage:
    return OutgoingMessage(
        idempotency_key=key,
        channel="sms",
        recipient="+33612345678",
        subject="",
        body_text=f"text {key}",
        body_html="",
    )


def test_the_development_provider_sends_many_once_per_key(db):
    provider = DevelopmentProvider()
    [earlier] = [provider.send(_message("a"))]

    results = provider.send_many([_message("a"), _message("b"), _message("c")])

    stored = dict(DevelopmentMessage.objects.values_list("idempotency_key", "pk"))
    assert sorted(stored) == ["a", "b", "c"]
    assert results == [
        earlier,
        SendResult(provider_message_id=f"dev-{stored['b']}"),
        SendResult(provider_message_id=f"dev-{stored['c']}"),
    ]


class _OneByOne:
    name = "one_by_one"

    def send(self, message: OutgoingMessage) -> SendResult:
        if message.idempotency_key == "busy":
            raise TemporaryFailure("busy")
        if message.idempotency_key == "refused":
            raise PermanentFailure("refused")
        return SendResult(provider_message_id=f"id-{message.idempotency_key}")


def test_a_provider_without_send_many_is_called_per_message_with_failures_kept():
    outcomes = send_all(_OneByOne(), [_message("a"), _message("busy"), _message("refused")])

    assert outcomes[0] == SendResult(provider_message_id="id-a")
    assert [(type(item).__name__, str(item)) for item in outcomes[1:]] == [
        ("TemporaryFailure", "busy"),
        ("PermanentFailure", "refused"),
    ]


def test_the_drain_task_sends_a_batch(acknowledged_templates, at_noon):
    from onestop.notifications.tasks import notifications_drain_task

    _queued(2)

    assert notifications_drain_task.call() == 2
    assert DevelopmentMessage.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_drainers_never_send_the_same_message(monkeypatch):
    postgresql_only(connection)
    from onestop.core.models import CountryProfile

    CountryProfile.objects.create(
        code="FR",
        name={"en": "Testland"},
        languages=["en"],
        currency="EUR",
        time_zone="Europe/Paris",
        calendar={"working_week": ["mon"], "holidays": {}},
    )
    templates_for("application_acknowledged")
    for first in range(0, 600, 200):
        batches.notification_request_many(
            actor="x", requests=[_request(n) for n in range(first, first + 200)]
        )
    barrier = threading.Barrier(3)
    claimed: dict[str, list[int]] = {"a": [], "b": [], "c": []}

    def drainer(name: str) -> None:
        try:
            barrier.wait()
            while outcome := batches.notifications_deliver_due(limit=25):
                if not outcome.claimed:
                    break
                claimed[name].append(outcome.claimed)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=drainer, args=(name,)) for name in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sum(sum(counts) for counts in claimed.values()) == 600
    assert sum(1 for counts in claimed.values() if counts) >= 2
    assert set(Notification.objects.values_list("status", "attempts")) == {("sent", 1)}
    assert DevelopmentMessage.objects.count() == 600
    assert DeliveryLog.objects.filter(status="sent").count() == 600
    assert audit_verify() == []
