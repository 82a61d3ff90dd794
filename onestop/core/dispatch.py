"""Delivering domain events to subscribers: at least once, each effect exactly once.

`event_record` creates one `EventDelivery` per subscriber and enqueues its task in the same
transaction as the change. The task runs the handler and marks the delivery succeeded in one
transaction, so the handler's database effects and the "done" mark commit together: a worker
killed half-way leaves nothing behind, and a second delivery finds the row done. A failing
handler is rolled back, its error recorded, and the delivery retried with exponential backoff
until it is parked for a person to look at (and re-run from the admin).
"""

from __future__ import annotations

import traceback
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from . import clock, events, tasks
from .errors import Conflict, NotFound
from .models import DeliveryStatus, DomainEvent, EventDelivery
from .subscriptions import subscription_get, subscriptions_for

ERROR_LIMIT = 4000


def max_attempts() -> int:
    return int(getattr(settings, "ONESTOP_EVENT_MAX_ATTEMPTS", 10))


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after the n-th failed attempt: base·2^(n-1), capped."""
    base = float(getattr(settings, "ONESTOP_EVENT_RETRY_BASE_SECONDS", 2.0))
    cap = float(getattr(settings, "ONESTOP_EVENT_RETRY_MAX_SECONDS", 3600.0))
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))


def deliveries_create(*, event: DomainEvent) -> list[EventDelivery]:
    """Called by `event_record` inside its transaction; returns no rows when nobody listens."""
    subscriptions = subscriptions_for(event.name)
    if not subscriptions:
        return []
    deliveries = EventDelivery.objects.bulk_create(
        EventDelivery(event=event, subscriber_name=item.name, next_attempt_at=event.occurred_at)
        for item in subscriptions
    )
    for delivery in deliveries:
        _enqueue(delivery.id)
    return deliveries


def delivery_run(*, delivery_id: uuid.UUID) -> str:
    """Run one delivery; returns what happened ("succeeded", "retry", "parked", or the status
    it was already in). Safe to call any number of times for the same delivery."""
    try:
        with transaction.atomic():
            delivery = _locked(delivery_id)
            if delivery.status != DeliveryStatus.PENDING:
                return str(delivery.status)
            subscription = subscription_get(delivery.subscriber_name)
            if subscription is None:
                raise LookupError(f"no subscriber is registered as {delivery.subscriber_name!r}")
            subscription.handler(delivery.event)
            _mark_succeeded(delivery)
        return DeliveryStatus.SUCCEEDED.value
    except EventDelivery.DoesNotExist:
        return "missing"
    except Exception as error:  # noqa: BLE001 - any handler failure is recorded, not raised
        return _record_failure(delivery_id, error)


def delivery_rerun(*, delivery_id: uuid.UUID, actor: str) -> EventDelivery:
    """Give a parked delivery a fresh set of attempts (after its cause was fixed)."""
    with transaction.atomic():
        try:
            delivery = _locked(delivery_id)
        except EventDelivery.DoesNotExist as missing:
            raise NotFound("This event delivery does not exist.") from missing
        if delivery.status != DeliveryStatus.PARKED:
            raise Conflict(
                f"Only a parked delivery can be re-run; this one is {delivery.status}.",
                code="delivery_not_parked",
            )
        delivery.status = DeliveryStatus.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = clock.now()
        delivery.finished_at = None
        delivery.save(update_fields=["status", "attempts", "next_attempt_at", "finished_at"])
        events.event_record(
            name="event_delivery.rerun",
            actor=actor,
            entity_type="event_delivery",
            entity_id=str(delivery.id),
            payload={"event": str(delivery.event_id), "subscriber": delivery.subscriber_name},
        )
        _enqueue(delivery.id)
    return delivery


def deliveries_redeliver_stuck(*, older_than: timedelta) -> int:
    """Re-enqueue pending deliveries long overdue that have no task waiting or running (it was
    lost, e.g. with a worker whose database connection broke while recording a failure)."""
    now = clock.now()
    with transaction.atomic():
        overdue = {
            str(delivery_id)
            for delivery_id in EventDelivery.objects.filter(
                status=DeliveryStatus.PENDING, next_attempt_at__lt=now - older_than
            ).values_list("id", flat=True)[:1000]
        }
        stuck = overdue - _with_live_task(overdue)
        EventDelivery.objects.filter(id__in=stuck).update(next_attempt_at=now)
        for delivery_id in sorted(stuck):
            _enqueue(uuid.UUID(delivery_id))
    return len(stuck)


def _with_live_task(delivery_ids: set[str]) -> set[str]:
    if not delivery_ids:
        return set()
    live = DBTaskResult.objects.filter(
        task_path=tasks.deliver_event.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        args_kwargs__kwargs__delivery_id__in=sorted(delivery_ids),
    )
    return {row.args_kwargs["kwargs"]["delivery_id"] for row in live.only("args_kwargs")}


def _locked(delivery_id: uuid.UUID) -> EventDelivery:
    return EventDelivery.objects.select_for_update().select_related("event").get(id=delivery_id)


def _enqueue(delivery_id: uuid.UUID, run_after: datetime | None = None) -> None:
    task = (
        tasks.deliver_event if run_after is None else tasks.deliver_event.using(run_after=run_after)
    )
    task.enqueue(delivery_id=str(delivery_id))


def _mark_succeeded(delivery: EventDelivery) -> None:
    now = clock.now()
    delivery.status = DeliveryStatus.SUCCEEDED
    delivery.attempts += 1
    delivery.finished_at = now
    delivery.next_attempt_at = None
    delivery.last_error = ""
    delivery.save(
        update_fields=["status", "attempts", "finished_at", "next_attempt_at", "last_error"]
    )
    # Locking the event serialises the last two deliveries of one event, so the one that
    # commits second sees the other done and marks the event handled.
    event = DomainEvent.objects.select_for_update().only("id").get(id=delivery.event_id)
    unfinished = event.deliveries.exclude(status=DeliveryStatus.SUCCEEDED).exists()
    if not unfinished:
        DomainEvent.objects.filter(id=event.id).update(handled_at=now)


def _record_failure(delivery_id: uuid.UUID, error: Exception) -> str:
    text = "".join(traceback.format_exception(error))[-ERROR_LIMIT:]
    with transaction.atomic():
        try:
            delivery = _locked(delivery_id)
        except EventDelivery.DoesNotExist:
            return "missing"
        if delivery.status != DeliveryStatus.PENDING:
            return str(delivery.status)
        delivery.attempts += 1
        delivery.last_error = text
        now = clock.now()
        if delivery.attempts >= max_attempts():
            delivery.status = DeliveryStatus.PARKED
            delivery.finished_at = now
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = now + retry_delay(delivery.attempts)
            _enqueue(delivery.id, run_after=delivery.next_attempt_at)
        delivery.save(
            update_fields=["attempts", "last_error", "status", "finished_at", "next_attempt_at"]
        )
    return "parked" if delivery.status == DeliveryStatus.PARKED else "retry"
