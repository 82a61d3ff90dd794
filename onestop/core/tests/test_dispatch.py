from datetime import timedelta

import pytest
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from onestop.core import dispatch
from onestop.core.audit import audit_append
from onestop.core.errors import Conflict
from onestop.core.events import event_record
from onestop.core.models import AuditRecord, DomainEvent, EventDelivery
from onestop.core.subscriptions import subscriber, subscription_remove, subscriptions_for

pytestmark = pytest.mark.django_db

CALLS: list[str] = []


@pytest.fixture
def listeners():
    """Two subscribers of `thing.done`: one writes an effect row, one fails until healed."""
    CALLS.clear()
    health = {"healed": False}

    @subscriber("thing.done", name="test.effect")
    def effect(event: DomainEvent) -> None:
        CALLS.append("effect")
        audit_append(actor="t", action="effect", entity_type="event", entity_id=str(event.id))

    @subscriber("thing.done", name="test.flaky")
    def flaky(event: DomainEvent) -> None:
        CALLS.append("flaky")
        audit_append(actor="t", action="flaky", entity_type="event", entity_id=str(event.id))
        if not health["healed"]:
            raise RuntimeError("operator down")

    yield health
    subscription_remove("test.effect")
    subscription_remove("test.flaky")


def _record(name: str = "thing.done") -> DomainEvent:
    return event_record(name=name, actor="officer:1", entity_type="thing", entity_id="7")


def _delivery(event: DomainEvent, name: str) -> EventDelivery:
    return EventDelivery.objects.get(event=event, subscriber_name=name)


def _tasks_for(delivery: EventDelivery) -> list[DBTaskResult]:
    return [
        row
        for row in DBTaskResult.objects.filter(task_path="onestop.core.tasks.deliver_event")
        if row.args_kwargs["kwargs"] == {"delivery_id": str(delivery.id)}
    ]


def test_event_nobody_listens_to_is_handled_when_recorded():
    event = _record("nobody.listens")

    assert event.handled_at == event.occurred_at
    assert EventDelivery.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


def test_recording_an_event_creates_one_pending_delivery_and_task_per_subscriber(listeners):
    event = _record()

    deliveries = EventDelivery.objects.filter(event=event).order_by("subscriber_name")
    assert [(d.subscriber_name, d.status, d.attempts) for d in deliveries] == [
        ("test.effect", "pending", 0),
        ("test.flaky", "pending", 0),
    ]
    for delivery in deliveries:
        (task,) = _tasks_for(delivery)
        assert (task.status, task.queue_name) == ("READY", "events")
    assert DomainEvent.objects.get(id=event.id).handled_at is None


def test_a_rolled_back_change_leaves_no_event_delivery_or_task(listeners):
    with pytest.raises(RuntimeError), transaction.atomic():
        _record()
        raise RuntimeError("the change failed")

    assert (DomainEvent.objects.count(), EventDelivery.objects.count()) == (0, 0)
    assert DBTaskResult.objects.count() == 0


def test_delivery_runs_the_handler_once_even_when_delivered_twice(listeners):
    event = _record()
    delivery = _delivery(event, "test.effect")

    first = dispatch.delivery_run(delivery_id=delivery.id)
    second = dispatch.delivery_run(delivery_id=delivery.id)

    assert (first, second) == ("succeeded", "succeeded")
    assert CALLS == ["effect"]
    assert AuditRecord.objects.filter(action="effect", entity_id=str(event.id)).count() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("succeeded", 1, "")
    assert delivery.finished_at is not None


def test_a_failing_handler_is_rolled_back_and_retried_with_backoff(listeners):
    event = _record()
    delivery = _delivery(event, "test.flaky")

    outcome = dispatch.delivery_run(delivery_id=delivery.id)

    assert outcome == "retry"
    assert AuditRecord.objects.filter(action="flaky").count() == 0
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert "RuntimeError: operator down" in delivery.last_error
    retry = [task for task in _tasks_for(delivery) if task.run_after.year < 9999]
    assert len(retry) == 1
    assert retry[0].run_after == delivery.next_attempt_at
    assert abs((delivery.next_attempt_at - retry[0].enqueued_at) - timedelta(seconds=2)) < (
        timedelta(seconds=1)
    )


@override_settings(ONESTOP_EVENT_MAX_ATTEMPTS=3)
def test_a_handler_failing_every_attempt_is_parked_with_its_error(listeners):
    event = _record()
    delivery = _delivery(event, "test.flaky")

    outcomes = [dispatch.delivery_run(delivery_id=delivery.id) for _ in range(4)]

    assert outcomes == ["retry", "retry", "parked", "parked"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("parked", 3, None)
    assert "operator down" in delivery.last_error
    assert len(_tasks_for(delivery)) == 3  # the first and two retries; none after parking
    assert CALLS == ["flaky", "flaky", "flaky"]


@override_settings(ONESTOP_EVENT_MAX_ATTEMPTS=1)
def test_rerun_gives_a_parked_delivery_fresh_attempts_and_it_succeeds_once_healed(listeners):
    event = _record()
    delivery = _delivery(event, "test.flaky")
    dispatch.delivery_run(delivery_id=delivery.id)
    dispatch.delivery_run(delivery_id=_delivery(event, "test.effect").id)
    listeners["healed"] = True

    dispatch.delivery_rerun(delivery_id=delivery.id, actor="staff:ops")

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.finished_at) == ("pending", 0, None)
    assert len(_tasks_for(delivery)) == 2
    rerun = DomainEvent.objects.get(name="event_delivery.rerun")
    assert (rerun.actor, rerun.entity_id) == ("staff:ops", str(delivery.id))
    assert dispatch.delivery_run(delivery_id=delivery.id) == "succeeded"
    assert AuditRecord.objects.filter(action="flaky").count() == 1
    assert DomainEvent.objects.get(id=event.id).handled_at is not None


def test_rerun_refuses_a_delivery_that_is_not_parked(listeners):
    event = _record()
    delivery = _delivery(event, "test.effect")

    with pytest.raises(Conflict) as refused:
        dispatch.delivery_rerun(delivery_id=delivery.id, actor="staff:ops")

    assert refused.value.code == "delivery_not_parked"
    assert len(_tasks_for(delivery)) == 1
    assert not DomainEvent.objects.filter(name="event_delivery.rerun").exists()


def test_the_event_is_handled_only_when_every_delivery_succeeded(listeners):
    event = _record()
    dispatch.delivery_run(delivery_id=_delivery(event, "test.effect").id)
    dispatch.delivery_run(delivery_id=_delivery(event, "test.flaky").id)
    assert DomainEvent.objects.get(id=event.id).handled_at is None

    listeners["healed"] = True
    dispatch.delivery_run(delivery_id=_delivery(event, "test.flaky").id)

    assert DomainEvent.objects.get(id=event.id).handled_at is not None


def test_a_delivery_to_a_subscriber_no_longer_in_the_code_is_retried_with_a_clear_error(
    listeners,
):
    event = _record()
    delivery = _delivery(event, "test.effect")
    subscription_remove("test.effect")

    outcome = dispatch.delivery_run(delivery_id=delivery.id)

    delivery.refresh_from_db()
    assert outcome == "retry"
    assert "no subscriber is registered as 'test.effect'" in delivery.last_error


@override_settings(ONESTOP_EVENT_RETRY_BASE_SECONDS=2, ONESTOP_EVENT_RETRY_MAX_SECONDS=60)
def test_retry_delay_doubles_up_to_its_cap():
    delays = [dispatch.retry_delay(n).total_seconds() for n in range(1, 8)]

    assert delays == [2, 4, 8, 16, 32, 60, 60]


def test_overdue_pending_deliveries_without_a_live_task_are_enqueued_again(listeners):
    event = _record()
    lost, waiting = _delivery(event, "test.effect"), _delivery(event, "test.flaky")
    EventDelivery.objects.filter(event=event).update(
        next_attempt_at=event.occurred_at - timedelta(hours=1)
    )
    DBTaskResult.objects.filter(id=_tasks_for(lost)[0].id).update(status="FAILED")

    count = dispatch.deliveries_redeliver_stuck(older_than=timedelta(minutes=15))

    assert count == 1
    assert [task.status for task in _tasks_for(lost)] == ["FAILED", "READY"]
    assert len(_tasks_for(waiting)) == 1


def test_a_subscriber_name_cannot_be_taken_by_another_function():
    @subscriber("a.thing", name="test.unique")
    def first(event: DomainEvent) -> None: ...

    try:
        with pytest.raises(ValueError, match="already taken"):

            @subscriber("another.thing", name="test.unique")
            def second(event: DomainEvent) -> None: ...

        assert [item.handler for item in subscriptions_for("a.thing")] == [first]
    finally:
        subscription_remove("test.unique")
