"""Commands of notifications. Each runs in one transaction and records its domain event; sending
is the exception, since a provider call cannot be rolled back: a lease on the row and the
provider's idempotency key together make a message go out once."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from onestop.core import clock
from onestop.core.contacts import contact_normalise
from onestop.core.errors import Conflict, InvalidInput, NotFound
from onestop.core.events import event_record
from onestop.core.models import CountryProfile
from onestop.staff.actors import Actor, actor_require

from . import scheduling
from .kinds import KINDS
from .models import (
    Channel,
    DeliveryLog,
    Notification,
    NotificationTemplate,
    RecipientPreference,
    Status,
)
from .providers import OutgoingMessage, PermanentFailure, SendResult, TemporaryFailure, provider_for
from .sms import sms_count
from .tasks import notification_deliver_task
from .templating import text_render
from .validation import template_validate

SYSTEM_ACTOR = "system:notifications"
CHANNEL_CONTACT = {Channel.SMS: "phone", Channel.EMAIL: "email"}
TEMPLATE_FIELDS = ("subject", "body_text", "body_html", "max_segments", "is_urgent", "is_essential")


def notification_template_upsert(
    *, actor: Actor, kind: str, channel: str, language: str, values: Mapping[str, Any]
) -> tuple[NotificationTemplate, bool]:
    """Create or update one template after validating it; unchanged values change nothing.
    A staff user needs `notifications.templates.edit`."""
    label = actor_require(actor=actor, action="notifications.templates.edit")
    values = {name: values[name] for name in TEMPLATE_FIELDS if name in values}
    template_validate(
        kind=kind,
        channel=channel,
        subject=values.get("subject", ""),
        body_text=values.get("body_text", ""),
        body_html=values.get("body_html", ""),
        max_segments=values.get("max_segments", 1),
    )
    with transaction.atomic():
        row = (
            NotificationTemplate.objects.select_for_update()
            .filter(kind=kind, channel=channel, language=language)
            .first()
        )
        if row is None:
            row = NotificationTemplate.objects.create(
                kind=kind, channel=channel, language=language, **values
            )
            action = "created"
        else:
            changed = [name for name, value in values.items() if getattr(row, name) != value]
            if not changed:
                return row, False
            for name in changed:
                setattr(row, name, values[name])
            row.save(update_fields=[*changed, "updated_at"])
            action = "updated"
        event_record(
            name=f"notifications.template_{action}",
            actor=label,
            entity_type="notifications.notificationtemplate",
            entity_id=str(row.pk),
            payload={"kind": kind, "channel": channel, "language": language},
        )
        return row, True


def recipient_preference_set(
    *,
    actor: str,
    contact: str,
    channels: Sequence[str] = (),
    language: str = "",
    is_non_essential_opted_out: bool = False,
) -> RecipientPreference:
    _, address = contact_normalise(contact, field="contact")
    unknown = [channel for channel in channels if channel not in Channel.values]
    if unknown:
        raise InvalidInput(
            f"{unknown[0]!r} is not a channel; use {', '.join(Channel.values)}.", field="channels"
        )
    with transaction.atomic():
        preference, _ = RecipientPreference.objects.update_or_create(
            contact=address,
            defaults={
                "channels": list(channels),
                "language": language,
                "is_non_essential_opted_out": is_non_essential_opted_out,
            },
        )
        event_record(
            name="notifications.preference_set",
            actor=actor,
            entity_type="notifications.recipientpreference",
            entity_id=str(preference.pk),
            payload={
                "channels": list(channels),
                "language": language,
                "is_non_essential_opted_out": is_non_essential_opted_out,
            },
        )
        return preference


def notification_request(
    *,
    actor: str,
    kind: str,
    recipient: str,
    context: Mapping[str, Any],
    idempotency_key: str,
    channels: Sequence[str] | None = None,
    language: str | None = None,
    agency: str | None = None,
    person: str = "",
) -> list[Notification]:
    """Queue a message of `kind` on each chosen channel; returns the rows queued.

    The same `idempotency_key` returns the rows it first created and queues nothing more. A
    recipient who opted out of non-essential messages gets only essential kinds; non-urgent
    messages wait for the end of the country's quiet hours.
    """
    existing = _existing(idempotency_key, kind)
    if existing is not None:
        return existing
    contact_type, address = contact_normalise(recipient)
    values = _context_checked(kind, context)
    preference = RecipientPreference.objects.filter(contact=address).first()
    chosen = _channels(channels, preference, contact_type, person)
    try:
        with transaction.atomic():
            return [
                notification
                for channel in chosen
                if (
                    notification := _notification_create(
                        actor=actor,
                        kind=kind,
                        channel=channel,
                        address=address,
                        values=values,
                        language=_language(preference, language),
                        preference=preference,
                        key=idempotency_key,
                        agency=agency or "",
                        person=person,
                    )
                )
                is not None
            ]
    except IntegrityError:
        return _existing(idempotency_key, kind) or []


def _existing(key: str, kind: str) -> list[Notification] | None:
    rows = list(Notification.objects.filter(request_key=key).order_by("channel"))
    if not rows:
        return None
    if rows[0].kind != kind:
        raise Conflict(
            f"The idempotency key {key!r} was used for a {rows[0].kind} message; use a new key.",
            code="idempotency_key_reused",
        )
    return rows


def _context_checked(kind: str, context: Mapping[str, Any]) -> dict[str, str]:
    if kind not in KINDS:
        raise InvalidInput(
            f"{kind!r} is not a notification kind; use one of {sorted(KINDS)}.", field="kind"
        )
    allowed = set(KINDS[kind])
    missing = sorted(allowed - set(context))
    unknown = sorted(set(context) - allowed)
    if missing or unknown:
        raise InvalidInput(
            f"A {kind} message needs exactly {', '.join(KINDS[kind])}; "
            + (f"missing {', '.join(missing)}. " if missing else "")
            + (f"unknown {', '.join(unknown)}." if unknown else ""),
            field="context",
            missing=missing,
            unknown=unknown,
        )
    return {name: str(value) for name, value in context.items()}


def _channels(
    requested: Sequence[str] | None,
    preference: RecipientPreference | None,
    contact_type: str,
    person: str,
) -> list[str]:
    def reachable(channel: str) -> bool:
        return (
            (person != "")
            if channel == Channel.INBOX
            else CHANNEL_CONTACT.get(Channel(channel)) == contact_type
        )

    if requested is not None:
        for channel in requested:
            if channel not in Channel.values or not reachable(channel):
                raise InvalidInput(
                    f"{channel!r} cannot reach this recipient; a {contact_type} is reached by "
                    f"{'sms' if contact_type == 'phone' else 'email'}, the inbox needs a person.",
                    field="channels",
                )
        return list(dict.fromkeys(requested))
    preferred = [c for c in (preference.channels if preference else []) if reachable(c)]
    default = ["sms" if contact_type == "phone" else "email"] + (["inbox"] if person else [])
    return preferred or default


def default_language() -> str:
    profile = CountryProfile.objects.filter(id=1).first()
    return profile.languages[0] if profile and profile.languages else settings.LANGUAGE_CODE


def _language(preference: RecipientPreference | None, given: str | None) -> str:
    return (preference.language if preference else "") or given or default_language()


def _template(kind: str, channel: str, language: str) -> NotificationTemplate | None:
    rows = {
        row.language: row for row in NotificationTemplate.objects.filter(kind=kind, channel=channel)
    }
    return rows.get(language) or rows.get(default_language()) or next(iter(rows.values()), None)


def _notification_create(
    *,
    actor: str,
    kind: str,
    channel: str,
    address: str,
    values: dict[str, str],
    language: str,
    preference: RecipientPreference | None,
    key: str,
    agency: str,
    person: str,
) -> Notification | None:
    template = _template(kind, channel, language)
    if template is None:
        raise NotFound(
            f"There is no {channel} template for {kind}; add one in the admin or the pack.",
            code="template_missing",
        )
    if preference and preference.is_non_essential_opted_out and not template.is_essential:
        return None
    now = clock.now()
    notification = Notification(
        request_key=key,
        idempotency_key=f"{key}:{channel}",
        kind=kind,
        channel=channel,
        language=template.language,
        recipient=address,
        person=person,
        agency=agency,
        context=values,
        is_urgent=template.is_urgent,
        not_before=(
            None
            if channel == Channel.INBOX
            else scheduling.not_before(at=now, is_urgent=template.is_urgent)
        ),
        created_at=now,
        status_at=now,
        **_rendered(template, values),
    )
    with transaction.atomic():
        notification.save(force_insert=True)
    DeliveryLog.objects.create(notification=notification, status=Status.QUEUED, at=now)
    _event(notification, "queued", actor=actor)
    notification_deliver_task.using(run_after=notification.not_before).enqueue(str(notification.pk))
    return notification


def _rendered(template: NotificationTemplate, values: dict[str, str]) -> dict[str, Any]:
    body_text = text_render(template.body_text, values)
    body_html = ""
    if template.channel == Channel.EMAIL and template.body_html:
        body_html = render_to_string(
            "notifications/email_layout.html",
            {
                "content": mark_safe(text_render(template.body_html, values, is_html=True)),  # noqa: S308
                "language": template.language,
                "is_rtl": template.language in getattr(settings, "LANGUAGES_BIDI", ()),
            },
        )
    return {
        "subject": text_render(template.subject, values),
        "body_text": body_text,
        "body_html": body_html,
        "segments": sms_count(body_text).segments if template.channel == Channel.SMS else 0,
    }


def _event(notification: Notification, what: str, *, actor: str, **extra: Any) -> None:
    event_record(
        name=f"notifications.notification_{what}",
        actor=actor,
        entity_type="notifications.notification",
        entity_id=str(notification.pk),
        payload={
            "kind": notification.kind,
            "channel": notification.channel,
            "attempts": notification.attempts,
            **extra,
        },
    )


def notification_deliver(*, notification_id: str) -> Notification:
    """Send one queued message through its channel's provider.

    A conditional update claims the row for a lease, so of several workers holding the same
    task only one sends; should a worker die mid-send, the next attempt after the lease reuses
    the notification id as the provider's idempotency key and the provider drops the copy.
    """
    now = clock.now()
    notification_id = str(_id(notification_id))
    claimed = (
        Notification.objects.filter(pk=notification_id, status=Status.QUEUED)
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .update(claimed_until=now + scheduling.send_lease(), attempts=F("attempts") + 1)
    )
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None:
        raise NotFound(f"There is no notification {notification_id}.")
    if not claimed:
        _reschedule_if_waiting(notification)
        return notification
    provider = provider_for(notification.channel)
    try:
        result = provider.send(_outgoing(notification))
    except TemporaryFailure as error:
        return _attempt_failed(notification_id, str(error), is_permanent=False)
    except PermanentFailure as error:
        return _attempt_failed(notification_id, str(error), is_permanent=True)
    return _sent(notification_id, provider.name, result)


def _outgoing(notification: Notification) -> OutgoingMessage:
    return OutgoingMessage(
        idempotency_key=str(notification.pk),
        channel=notification.channel,
        recipient=notification.recipient,
        subject=notification.subject,
        body_text=notification.body_text,
        body_html=notification.body_html,
    )


def _reschedule_if_waiting(notification: Notification) -> None:
    """A task that ran early (before quiet hours end, or while another worker holds the lease)
    comes back when the message may go."""
    if notification.status != Status.QUEUED:
        return
    wake = max(filter(None, [notification.not_before, notification.claimed_until]), default=None)
    if wake is not None and wake > clock.now():
        notification_deliver_task.using(run_after=wake).enqueue(str(notification.pk))


def _sent(notification_id: str, provider: str, result: SendResult) -> Notification:
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification_id)
        notification.provider = provider
        notification.provider_message_id = result.provider_message_id
        notification.claimed_until = None
        fields = ["provider", "provider_message_id", "claimed_until"]
        if notification.status == Status.QUEUED:
            status = Status.DELIVERED if notification.channel == Channel.INBOX else Status.SENT
            _status_set(notification, status, reason="", fields=fields)
            _event(notification, status, actor=SYSTEM_ACTOR, provider=provider)
        else:
            notification.save(update_fields=fields)
        return notification


def _attempt_failed(notification_id: str, reason: str, *, is_permanent: bool) -> Notification:
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification_id)
        notification.claimed_until = None
        if is_permanent or notification.attempts >= scheduling.max_attempts():
            if not is_permanent:
                reason = f"gave up after {notification.attempts} attempts: {reason}"
            _status_set(notification, Status.FAILED, reason=reason, fields=["claimed_until"])
            _event(notification, "failed", actor=SYSTEM_ACTOR, reason=reason)
            return notification
        now = clock.now()
        notification.not_before = now + scheduling.retry_delay(notification.attempts)
        notification.save(update_fields=["claimed_until", "not_before"])
        DeliveryLog.objects.create(
            notification=notification,
            status=Status.QUEUED,
            at=now,
            reason=f"attempt {notification.attempts} failed: {reason}; "
            f"next attempt at {notification.not_before.isoformat()}",
        )
        notification_deliver_task.using(run_after=notification.not_before).enqueue(
            str(notification.pk)
        )
        return notification


def _status_set(
    notification: Notification, status: str, *, reason: str, fields: list[str], at: Any = None
) -> None:
    at = at or clock.now()
    notification.status, notification.status_at = status, at
    notification.save(update_fields=[*fields, "status", "status_at"])
    DeliveryLog.objects.create(notification=notification, status=status, at=at, reason=reason)


FINAL = {Status.DELIVERED, Status.FAILED}


def notification_status_record(
    *,
    notification_id: str,
    status: str,
    reason: str = "",
    at: datetime | None = None,
    actor: str = "provider",
) -> tuple[Notification, bool]:
    """A provider's delivery report; returns (notification, changed). A repeated report changes
    nothing; one contradicting a final status is a conflict."""
    if status not in FINAL:
        raise InvalidInput(
            f"{status!r} is not a delivery status; use delivered or failed.", field="status"
        )
    with transaction.atomic():
        notification = _locked(notification_id)
        if notification.status == status:
            return notification, False
        if notification.status in FINAL:
            raise Conflict(
                f"The notification is already {notification.status}; it cannot become {status}.",
                code="status_final",
            )
        _status_set(notification, status, reason=reason, fields=[], at=at)
        _event(notification, status, actor=actor, reason=reason)
        return notification, True


def _locked(notification_id: str) -> Notification:
    notification = Notification.objects.select_for_update().filter(pk=_id(notification_id)).first()
    if notification is None:
        raise NotFound(f"There is no notification {notification_id}.")
    return notification


def _id(notification_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(notification_id))
    except ValueError as error:
        raise NotFound(f"There is no notification {notification_id}.") from error


def inbox_message_read(*, actor: str, person: str, notification_id: str) -> Notification:
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, person=person, channel=Channel.INBOX)
            .first()
        )
        if notification is None:
            raise NotFound("There is no such message in your inbox.")
        if not notification.is_read:
            notification.is_read = True
            notification.save(update_fields=["is_read"])
            _event(notification, "read", actor=actor)
        return notification


def notification_request_record(
    *,
    actor: str,
    kind: str,
    recipient: str,
    context: Mapping[str, Any],
    entity_type: str,
    entity_id: str,
    person: str = "",
    agency: str = "",
) -> None:
    """Ask, inside the caller's transaction, for a message to be queued by a background task:
    the request commits with the caller's change or not at all."""
    _context_checked(kind, context)
    event_record(
        name="notifications.requested",
        actor=actor,
        entity_type=entity_type,
        entity_id=entity_id,
        payload={
            "notify": {
                "kind": kind,
                "recipient": recipient,
                "context": dict(context),
                "person": person,
                "agency": agency,
            }
        },
    )


def notification_request_for_event(*, event: Any) -> list[Notification]:
    """Queue the message an event's `notify` block asks for; the event id is the idempotency
    key, so a second delivery of the event queues nothing more."""
    notify = event.payload["notify"]
    return notification_request(
        actor=event.actor,
        kind=notify["kind"],
        recipient=notify["recipient"],
        context=notify["context"],
        idempotency_key=f"event:{event.pk}",
        person=notify.get("person", ""),
        agency=notify.get("agency") or None,
    )
