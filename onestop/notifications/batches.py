"""Notifications in bulk: many requests queued in one call, and due messages sent a batch per
task.

One task per message costs more than the message (claiming a task row takes several queries,
and every event appends to the one audit chain), so mass mailings go another way with the same
guarantees. `notification_request_many` queues up to a thousand requests with one event and one
drain task per `batch_size()` messages. A drain task claims a batch of due messages — `SELECT …
FOR UPDATE SKIP LOCKED` on PostgreSQL, the write lock of an immediate transaction on SQLite —
under the usual lease, sends each through its provider (in bulk when the provider can), and
records the statuses, the delivery log and one event naming the messages in one transaction.
"""

from __future__ import annotations

import math
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from onestop.core import clock
from onestop.core.contacts import email_normalise, pack_region, phone_normalise
from onestop.core.errors import Conflict, DomainError, InvalidInput, NotFound
from onestop.core.events import event_record

from . import scheduling, services
from .models import (
    Channel,
    DeliveryLog,
    Notification,
    NotificationTemplate,
    RecipientPreference,
    Status,
)
from .providers import PermanentFailure, SendResult, provider_for, send_all
from .tasks import notifications_drain_task

REQUEST_MANY_LIMIT = 1000


def batch_size() -> int:
    """Messages one drain task claims: large enough to spread a task's cost, small enough that
    a lease covers the provider's answers for all of them."""
    return int(getattr(settings, "ONESTOP_NOTIFICATION_BATCH_SIZE", 500))


@dataclass(frozen=True)
class MessageRequest:
    """One request of `notification_request_many`; the fields mean what the arguments of
    `services.notification_request` mean."""

    kind: str
    recipient: str
    context: Mapping[str, Any]
    idempotency_key: str
    channels: Sequence[str] | None = None
    language: str | None = None
    agency: str = ""
    person: str = ""


@dataclass(frozen=True)
class _Checked:
    request: MessageRequest
    contact_type: str
    address: str
    values: dict[str, str]


def notification_request_many(
    *, actor: str, requests: Sequence[MessageRequest]
) -> list[list[Notification]]:
    """Queue many messages at once under the rules of `notification_request`; returns each
    request's rows, in order.

    Every request is checked before anything is written, so one invalid request queues nothing
    (the error's `index` names it). A key seen before returns the rows it first created; a key
    repeated within the call is one request. Records one `notifications.notifications_queued`
    event naming the new messages.
    """
    if len(requests) > REQUEST_MANY_LIMIT:
        raise InvalidInput(
            f"{len(requests)} requests in one call; send at most {REQUEST_MANY_LIMIT} per call.",
            field="requests",
        )
    try:
        return _request_many(actor, requests)
    except IntegrityError:
        # A concurrent call queued some of the same keys first: they are now repeats.
        return _request_many(actor, requests)


def _request_many(actor: str, requests: Sequence[MessageRequest]) -> list[list[Notification]]:
    region = pack_region()
    checked = [_checked(index, request, region) for index, request in enumerate(requests)]
    existing = _existing_by_key([item.request for item in checked])
    preferences = {
        row.contact: row
        for row in RecipientPreference.objects.filter(
            contact__in={item.address for item in checked}
        )
    }
    templates = _templates({item.request.kind for item in checked})
    now, language = clock.now(), services.default_language()
    waits = {True: None, False: scheduling.not_before(at=now, is_urgent=False)}
    rows_by_key: dict[str, list[Notification]] = dict(existing)
    new: list[Notification] = []
    for index, item in enumerate(checked):
        key = item.request.idempotency_key
        if key in rows_by_key:
            continue
        try:
            rows = _rows(item, preferences.get(item.address), templates, language, waits, now)
        except DomainError as error:
            raise _naming(error, index) from error
        rows_by_key[key] = rows
        new.extend(rows)
    if new:
        _queue(actor, new, now)
    return [rows_by_key[item.request.idempotency_key] for item in checked]


def _naming(error: DomainError, index: int) -> DomainError:
    """The same error, naming the request it is about."""
    return type(error)(
        f"Request {index}: {error.message}", code=error.code, index=index, **error.details
    )


def _checked(index: int, request: MessageRequest, region: str | None) -> _Checked:
    try:
        values = services._context_checked(request.kind, request.context)
        if "@" in request.recipient:
            return _Checked(request, "email", email_normalise(request.recipient), values)
        address = phone_normalise(request.recipient.strip(), region=region)
        return _Checked(request, "phone", address, values)
    except DomainError as error:
        raise _naming(error, index) from error


def _existing_by_key(requests: list[MessageRequest]) -> dict[str, list[Notification]]:
    kinds: dict[str, str] = {}
    for request in requests:
        first = kinds.setdefault(request.idempotency_key, request.kind)
        if first != request.kind:
            raise Conflict(
                f"The idempotency key {request.idempotency_key!r} is given for a {first} and a "
                f"{request.kind} message; use a key per request.",
                code="idempotency_key_reused",
            )
    found: dict[str, list[Notification]] = defaultdict(list)
    for row in Notification.objects.filter(request_key__in=list(kinds)).order_by("channel"):
        found[row.request_key].append(row)
    for key, rows in found.items():
        if rows[0].kind != kinds[key]:
            raise Conflict(
                f"The idempotency key {key!r} was used for a {rows[0].kind} message; "
                "use a new key.",
                code="idempotency_key_reused",
            )
    return found


def _templates(kinds: set[str]) -> dict[tuple[str, str], dict[str, NotificationTemplate]]:
    found: dict[tuple[str, str], dict[str, NotificationTemplate]] = defaultdict(dict)
    for row in NotificationTemplate.objects.filter(kind__in=kinds):
        found[(row.kind, row.channel)][row.language] = row
    return found


def _rows(
    item: _Checked,
    preference: RecipientPreference | None,
    templates: Mapping[tuple[str, str], dict[str, NotificationTemplate]],
    default_language: str,
    waits: Mapping[bool, datetime | None],
    now: datetime,
) -> list[Notification]:
    request = item.request
    channels = services._channels(request.channels, preference, item.contact_type, request.person)
    wanted = (preference.language if preference else "") or request.language or default_language
    rows = []
    for channel in channels:
        by_language = templates.get((request.kind, channel), {})
        template = (
            by_language.get(wanted)
            or by_language.get(default_language)
            or next(iter(by_language.values()), None)
        )
        if template is None:
            raise NotFound(
                f"There is no {channel} template for {request.kind}; add one in the admin or "
                "the pack.",
                code="template_missing",
            )
        if preference and preference.is_non_essential_opted_out and not template.is_essential:
            continue
        rows.append(
            Notification(
                request_key=request.idempotency_key,
                idempotency_key=f"{request.idempotency_key}:{channel}",
                kind=request.kind,
                channel=channel,
                language=template.language,
                recipient=item.address,
                person=request.person,
                agency=request.agency,
                context=item.values,
                is_urgent=template.is_urgent,
                not_before=None if channel == Channel.INBOX else waits[template.is_urgent],
                created_at=now,
                status_at=now,
                **services._rendered(template, item.values),
            )
        )
    return rows


def _queue(actor: str, rows: list[Notification], now: datetime) -> None:
    with transaction.atomic():
        Notification.objects.bulk_create(rows, batch_size=500)
        DeliveryLog.objects.bulk_create(
            (DeliveryLog(notification=row, status=Status.QUEUED, at=now) for row in rows),
            batch_size=1000,
        )
        event_record(
            name="notifications.notifications_queued",
            actor=actor,
            entity_type="notifications.batch",
            entity_id=str(uuid.uuid4()),
            payload={"count": len(rows), "notifications": [str(row.pk) for row in rows]},
        )
        waiting: dict[datetime | None, int] = defaultdict(int)
        for row in rows:
            waiting[row.not_before] += 1
        for wake, count in waiting.items():
            drains_enqueue(count=math.ceil(count / batch_size()), run_after=wake)


def drains_enqueue(*, count: int, run_after: datetime | None = None) -> None:
    task = notifications_drain_task.using(run_after=run_after)
    for _ in range(count):
        task.enqueue()


@dataclass(frozen=True)
class DrainOutcome:
    claimed: int
    sent: int
    failed_attempts: int


def notifications_deliver_due(*, limit: int | None = None) -> DrainOutcome:
    """Claim up to `limit` (default `batch_size()`) due messages and send them.

    Two drainers never hold the same message: the claim skips rows another transaction has
    locked and rows under an unexpired lease. A message whose status changed meanwhile is not
    recorded twice, and its id is the provider's idempotency key, so a drainer that dies after
    sending cannot make the next one's attempt a duplicate.
    """
    claimed = _claim(limit or batch_size())
    if not claimed:
        return DrainOutcome(0, 0, 0)
    sent: list[tuple[Notification, str, SendResult]] = []
    failed = 0
    for channel, rows in _by_channel(claimed).items():
        provider = provider_for(channel)
        outcomes = send_all(provider, [services._outgoing(row) for row in rows])
        for row, outcome in zip(rows, outcomes, strict=True):
            if isinstance(outcome, SendResult):
                sent.append((row, provider.name, outcome))
                continue
            failed += 1
            services._attempt_failed(
                str(row.pk), str(outcome), is_permanent=isinstance(outcome, PermanentFailure)
            )
    recorded = _record_sent(sent) if sent else 0
    return DrainOutcome(len(claimed), recorded, failed)


def _claim(limit: int) -> list[Notification]:
    now = clock.now()
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=Status.QUEUED)
            .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
            .order_by()
            .only("id", "channel", "recipient", "subject", "body_text", "body_html", "attempts")[
                :limit
            ]
        )
        if rows:
            Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
                claimed_until=now + scheduling.send_lease(), attempts=F("attempts") + 1
            )
    for row in rows:
        row.attempts += 1
    return rows


def _by_channel(rows: list[Notification]) -> dict[str, list[Notification]]:
    grouped: dict[str, list[Notification]] = defaultdict(list)
    for row in rows:
        grouped[row.channel].append(row)
    return grouped


def _record_sent(sent: list[tuple[Notification, str, SendResult]]) -> int:
    now = clock.now()
    with transaction.atomic():
        still_queued = set(
            Notification.objects.select_for_update()
            .filter(pk__in=[row.pk for row, _, _ in sent], status=Status.QUEUED)
            .order_by()
            .values_list("pk", flat=True)
        )
        groups: dict[tuple[str, str], list[Notification]] = defaultdict(list)
        for row, provider, result in sent:
            if row.pk in still_queued:
                row.provider_message_id = result.provider_message_id
                status: str = Status.DELIVERED if row.channel == Channel.INBOX else Status.SENT
                groups[(status, provider)].append(row)
        for (status, provider), rows in groups.items():
            Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
                status=status, status_at=now, provider=provider, claimed_until=None
            )
            _provider_message_ids_set(rows)
        DeliveryLog.objects.bulk_create(
            (
                DeliveryLog(notification_id=row.pk, status=status, at=now)
                for (status, _), rows in groups.items()
                for row in rows
            ),
            batch_size=1000,
        )
        if groups:
            event_record(
                name="notifications.notifications_sent",
                actor=services.SYSTEM_ACTOR,
                entity_type="notifications.batch",
                entity_id=str(uuid.uuid4()),
                payload={
                    f"{status}:{provider}": [str(row.pk) for row in rows]
                    for (status, provider), rows in groups.items()
                },
            )
    return sum(len(rows) for rows in groups.values())


def _provider_message_ids_set(rows: list[Notification]) -> None:
    """One UPDATE … FROM (VALUES …) for the batch: `bulk_update`'s CASE per row costs more
    than sending the messages. Both PostgreSQL and SQLite name VALUES columns column1, …"""
    table = connection.ops.quote_name(Notification._meta.db_table)
    key = Notification._meta.pk
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        values = ", ".join(["(%s, %s)"] * len(chunk))
        parameters: list[Any] = []
        for row in chunk:
            parameters += [key.get_db_prep_value(row.pk, connection), row.provider_message_id]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET provider_message_id = batch.column2 "  # noqa: S608
                f"FROM (VALUES {values}) AS batch WHERE {table}.id = batch.column1",
                parameters,
            )


def notifications_drain_overdue(*, older_than: timedelta) -> int:
    """Enqueue drain tasks for due messages that no waiting task will take (a drainer died
    holding them, a task row was lost); returns how many were enqueued."""
    now = clock.now()
    overdue = (
        Notification.objects.filter(status=Status.QUEUED)
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now - older_than))
        .filter(created_at__lte=now - older_than)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .count()
    )
    drains = DBTaskResult.objects.filter(task_path=notifications_drain_task.module_path)
    live = drains.ready().count() + drains.filter(status=TaskResultStatus.RUNNING).count()
    missing = max(0, math.ceil(overdue / batch_size()) - live)
    drains_enqueue(count=missing)
    return missing
