"""Reads of notifications: a message with its delivery log, lists, the inbox, the outbox."""

from __future__ import annotations

from django.db.models import QuerySet

from onestop.core.errors import NotFound

from .models import (
    Channel,
    DevelopmentMessage,
    Notification,
    NotificationTemplate,
    RecipientPreference,
    Status,
)


def notification_get(*, notification_id: str) -> Notification:
    """The message with its delivery log prefetched (`notification.log.all()`)."""
    notification = (
        Notification.objects.prefetch_related("log").filter(pk=str(notification_id)).first()
    )
    if notification is None:
        raise NotFound(f"There is no notification {notification_id}.")
    return notification


def notification_list(
    *, recipient: str | None = None, agency: str | None = None, status: str | None = None
) -> QuerySet[Notification]:
    rows = Notification.objects.all()
    if recipient:
        rows = rows.filter(recipient=recipient)
    if agency:
        rows = rows.filter(agency=agency)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at")


def inbox_list(*, person: str) -> QuerySet[Notification]:
    """A person's portal inbox, newest first; only messages already delivered to it."""
    return Notification.objects.filter(
        person=person, channel=Channel.INBOX, status=Status.DELIVERED
    ).order_by("-created_at")


def inbox_unread_count(*, person: str) -> int:
    return inbox_list(person=person).filter(is_read=False).count()


def recipient_preference_get(*, contact: str) -> RecipientPreference | None:
    """The preference saved for a normalised contact (E.164 phone or e-mail), if any."""
    return RecipientPreference.objects.filter(contact=contact).first()


def development_outbox_list(*, limit: int = 200) -> QuerySet[DevelopmentMessage]:
    """What the development provider "sent", newest first: for the staff page."""
    return DevelopmentMessage.objects.order_by("-sent_at", "-id")[:limit]


def notification_template_list(*, kind: str | None = None) -> QuerySet[NotificationTemplate]:
    rows = NotificationTemplate.objects.all()
    return rows.filter(kind=kind) if kind else rows


def notification_list_for_request(*, request_key: str) -> QuerySet[Notification]:
    """The rows one request (one idempotency key) queued, with their delivery logs."""
    return (
        Notification.objects.prefetch_related("log")
        .filter(request_key=request_key)
        .order_by("channel")
    )


def notification_get_for_agency(*, notification_id: str, agency: str) -> Notification:
    """An agency's own message with its log; another agency's is as missing as a wrong id."""
    notification = (
        Notification.objects.prefetch_related("log")
        .filter(pk=str(notification_id), agency=agency)
        .first()
    )
    if notification is None:
        raise NotFound(
            f"There is no notification {notification_id}.", code="notification_not_found"
        )
    return notification
