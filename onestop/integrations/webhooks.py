"""Webhooks: telling an agency's own case system of its new tasks.

An agency registers an HTTPS endpoint and a secret (`webhook_add`; `onestop webhook add`, the
admin). When a task is created for that agency, the subscriber in `subscribers.py` queues one
`WebhookDelivery` per active endpoint (at most one per endpoint and event, so a redelivered
event queues nothing twice) and enqueues its task. Submission never waits for it: the event is
delivered by the background worker after the submission committed.

A delivery is a POST of a small JSON document (ids and links, no personal data: the system
reads the task through the API with its key), signed:

    Onestop-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>

Each attempt is logged (`WebhookAttempt`). A 2xx answer delivers it; anything else — another
status, a timeout, a refused connection — is retried after `base·2^(n−1)` seconds (capped),
and after `ONESTOP_WEBHOOK_MAX_ATTEMPTS` the delivery is parked for a person to look at.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import time
import uuid
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from onestop.catalog.models import Agency
from onestop.core import clock
from onestop.core.errors import Conflict, InvalidInput
from onestop.core.events import event_record
from onestop.core.ids import new_id

from .models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "Onestop-Signature"
SECRET_MIN_LENGTH = 24
ERROR_LIMIT = 500
LOOPBACK_NAMES = {"localhost"}
LEASE_MARGIN_SECONDS = 30


def max_attempts() -> int:
    return int(getattr(settings, "ONESTOP_WEBHOOK_MAX_ATTEMPTS", 8))


def retry_delay(attempts: int) -> timedelta:
    """The wait after the n-th failed attempt: base·2^(n−1) seconds, capped."""
    base = float(getattr(settings, "ONESTOP_WEBHOOK_RETRY_BASE_SECONDS", 30.0))
    cap = float(getattr(settings, "ONESTOP_WEBHOOK_RETRY_MAX_SECONDS", 6 * 3600.0))
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))


def _timeout() -> float:
    return float(getattr(settings, "ONESTOP_WEBHOOK_TIMEOUT", 10.0))


# --- Registering ---------------------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def webhook_url_clean(url: str) -> str:
    """An absolute HTTPS address. Plain HTTP only to this machine (127.0.0.1, ::1, localhost)
    and only when ONESTOP_WEBHOOK_ALLOW_HTTP_LOOPBACK is on (tests, a local trial)."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        _port = parts.port
    except ValueError:
        host, parts = "", urlsplit("")
    if not host or parts.scheme not in ("https", "http") or len(url) > 500:
        raise InvalidInput(
            _(
                "Give the endpoint's full address, e.g. https://cases.example.gov/onestop/hooks "
                "(at most 500 characters)."
            ),
            field="url",
        )
    if parts.username or parts.password:
        raise InvalidInput(
            _("Leave credentials out of the address; each delivery is signed with the secret."),
            field="url",
        )
    if parts.scheme == "http":
        allowed = bool(getattr(settings, "ONESTOP_WEBHOOK_ALLOW_HTTP_LOOPBACK", False))
        if not (allowed and _is_loopback(host)):
            raise InvalidInput(
                _("Use an https:// address: deliveries carry signed data and must be encrypted."),
                field="url",
            )
    return url


def webhook_add(
    *,
    actor: str,
    agency: Agency,
    url: str,
    secret: str = "",
    events: list[str] | None = None,
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it and its secret (generated when none is given — shown
    once to whoever registers it, never again)."""
    url = webhook_url_clean(url)
    events = sorted(set(events or [WebhookEvent.TASK_CREATED]))
    unknown = sorted(set(events) - set(WebhookEvent.values))
    if unknown:
        raise InvalidInput(
            _("Unknown events %(unknown)s; choose among %(events)s.")
            % {"unknown": unknown, "events": sorted(WebhookEvent.values)},
            field="events",
        )
    secret = secret.strip() or secrets.token_urlsafe(32)
    if len(secret) < SECRET_MIN_LENGTH or len(secret) > 200:
        raise InvalidInput(
            _("Use a secret of %(minimum)s to 200 characters, or let the platform make one.")
            % {"minimum": SECRET_MIN_LENGTH},
            field="secret",
        )
    if WebhookEndpoint.objects.filter(agency=agency, url=url, is_active=True).exists():
        raise Conflict(
            _("This agency already has an active webhook at this address."),
            code="webhook_exists",
        )
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            agency=agency,
            url=url,
            secret=secret,
            events=events,
            created_at=clock.now(),
            created_by=actor,
        )
        event_record(
            name="integrations.webhook_added",
            actor=actor,
            entity_type="integrations.webhookendpoint",
            entity_id=str(endpoint.pk),
            payload={"agency": agency.code, "url": url, "events": events},
        )
    return endpoint, secret


def webhook_deactivate(*, actor: str, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if not endpoint.is_active:
            raise Conflict(_("This webhook is already switched off."), code="webhook_inactive")
        endpoint.is_active = False
        endpoint.save(update_fields=["is_active"])
        event_record(
            name="integrations.webhook_deactivated",
            actor=actor,
            entity_type="integrations.webhookendpoint",
            entity_id=str(endpoint.pk),
            payload={"url": endpoint.url},
        )
    return endpoint


# --- Signing -------------------------------------------------------------------------------


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The header value: `t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>." + body>`."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def webhook_signature_verify(
    *, secret: str, header: str, body: bytes, now: int | None = None, tolerance: int = 300
) -> bool:
    """What a receiver does (also the reference for docs/api.md): recompute the HMAC over the
    timestamp and the raw body, compare in constant time, refuse an old timestamp."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields.get("t", ""))
    except ValueError:
        return False
    now = int(time.time()) if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    expected = webhook_signature(secret=secret, timestamp=timestamp, body=body)
    return hmac.compare_digest(expected, f"t={timestamp},v1={fields.get('v1', '')}")


# --- Queueing ------------------------------------------------------------------------------


def _payload(delivery_id: uuid.UUID, event: Any) -> dict[str, Any]:
    data = event.payload or {}
    task_id = str(data.get("task", event.entity_id))
    return {
        "id": str(delivery_id),
        "event": event.name,
        "occurred_at": event.occurred_at.isoformat(),
        "data": {
            "task": task_id,
            "application": str(data.get("application", "")),
            "agency": str(data.get("agency", "")),
            "service": str(data.get("service", "")),
            "due_at": str(data.get("due_at", "")),
            "url": f"/api/v1/agency/tasks/{task_id}",
        },
    }


def webhook_deliveries_queue(*, event: Any) -> list[WebhookDelivery]:
    """For a domain event naming an agency: one delivery per active endpoint of that agency
    subscribed to the event, each with its task. Called by the event's subscriber, inside its
    transaction; a second call for the same event queues nothing."""
    agency_code = (event.payload or {}).get("agency", "")
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(agency__code=agency_code, is_active=True)
        if event.name in endpoint.events
    ]
    queued = []
    now = clock.now()
    for endpoint in endpoints:
        if WebhookDelivery.objects.filter(endpoint=endpoint, event_id=event.pk).exists():
            continue
        delivery_id = new_id()
        try:
            with transaction.atomic():
                delivery = WebhookDelivery.objects.create(
                    id=delivery_id,
                    endpoint=endpoint,
                    event_id=event.pk,
                    event_name=event.name,
                    payload=_payload(delivery_id, event),
                    created_at=now,
                    next_attempt_at=now,
                )
        except IntegrityError:
            continue  # a concurrent run of the same event queued it
        _enqueue(delivery.pk)
        queued.append(delivery)
    return queued


def _enqueue(delivery_id: uuid.UUID, run_after: datetime | None = None) -> None:
    from .tasks import webhook_deliver_task

    task = (
        webhook_deliver_task
        if run_after is None
        else webhook_deliver_task.using(run_after=run_after)
    )
    task.enqueue(delivery_id=str(delivery_id))


def webhook_deliveries_redeliver_stuck(*, older_than: timedelta) -> int:
    """Enqueue again the pending deliveries `older_than` past their time (a lost task); each
    is moved to now, so one still waiting for a worker is not enqueued again next run."""
    now = clock.now()
    stuck = list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lt=now - older_than
        ).values_list("pk", flat=True)[:500]
    )
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk__in=stuck).update(next_attempt_at=now)
        for delivery_id in stuck:
            _enqueue(delivery_id)
    return len(stuck)


# --- Delivering ----------------------------------------------------------------------------


def _body(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()


def _post(delivery: WebhookDelivery, number: int) -> tuple[int | None, str, int]:
    """(HTTP status or None, error in a few words or "", milliseconds)."""
    body = _body(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "onestop-webhooks/1",
        "Onestop-Webhook-Id": str(delivery.pk),
        "Onestop-Event": delivery.event_name,
        "Onestop-Attempt": str(number),
        SIGNATURE_HEADER: webhook_signature(
            secret=delivery.endpoint.secret, timestamp=int(time.time()), body=body
        ),
    }
    started = time.monotonic()
    try:
        response = httpx.post(
            delivery.endpoint.url,
            content=body,
            headers=headers,
            timeout=_timeout(),
            follow_redirects=False,
        )
    except httpx.HTTPError as error:
        elapsed = int((time.monotonic() - started) * 1000)
        return None, f"{type(error).__name__}: {error}"[:ERROR_LIMIT], elapsed
    elapsed = int((time.monotonic() - started) * 1000)
    if 200 <= response.status_code < 300:
        return response.status_code, "", elapsed
    return response.status_code, f"HTTP {response.status_code}", elapsed


def webhook_deliver(*, delivery_id: Any) -> WebhookDelivery:
    """One attempt (the background task's body): take a short lease, sign and POST, log the
    attempt, then mark the delivery delivered, schedule the next attempt, or park it. A
    delivery no longer pending, not yet due, or leased by another worker is left as it is, so
    a duplicate task sends nothing. A worker that dies while sending leaves the lease to run
    out; the periodic redelivery then enqueues it again."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != DeliveryStatus.PENDING:
            return delivery  # type: ignore[return-value]
        now = clock.now()
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return delivery  # not due yet, or another worker is sending it (its lease)
        # A lease while this worker sends: a duplicate task finds it taken and sends nothing.
        delivery.next_attempt_at = now + timedelta(seconds=_timeout() + LEASE_MARGIN_SECONDS)
        delivery.save(update_fields=["next_attempt_at"])
    number = delivery.attempts + 1
    status_code, error, elapsed = _post(delivery, number)
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.status != DeliveryStatus.PENDING:
            return delivery
        now = clock.now()
        delivery.attempts = number
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempt_log.count() + 1,  # the whole log, across retries by hand
            at=now,
            status_code=status_code,
            error=error,
            duration_ms=elapsed,
        )
        if not error:
            delivery.status, delivery.finished_at = DeliveryStatus.DELIVERED, now
            delivery.next_attempt_at, delivery.last_error = None, ""
        elif number >= max_attempts():
            delivery.status, delivery.finished_at = DeliveryStatus.PARKED, now
            delivery.next_attempt_at, delivery.last_error = None, error
            logger.warning(
                "webhook delivery %s parked after %d attempts: %s", delivery.pk, number, error
            )
        else:
            delivery.next_attempt_at, delivery.last_error = now + retry_delay(number), error
            _enqueue(delivery.pk, run_after=delivery.next_attempt_at)
        delivery.save(
            update_fields=["attempts", "status", "finished_at", "next_attempt_at", "last_error"]
        )
    return delivery


def webhook_delivery_retry(*, actor: str, delivery: WebhookDelivery) -> WebhookDelivery:
    """A person sends a parked delivery again, with fresh attempts (from the admin)."""
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.status != DeliveryStatus.PARKED:
            raise Conflict(
                _("Only a parked delivery can be sent again."), code="webhook_not_parked"
            )
        now = clock.now()
        delivery.status, delivery.attempts = DeliveryStatus.PENDING, 0
        delivery.finished_at, delivery.next_attempt_at = None, now
        delivery.save(update_fields=["status", "attempts", "finished_at", "next_attempt_at"])
        event_record(
            name="integrations.webhook_retried",
            actor=actor,
            entity_type="integrations.webhookdelivery",
            entity_id=str(delivery.pk),
            payload={"endpoint": str(delivery.endpoint_id)},
        )
        _enqueue(delivery.pk)
    return delivery
