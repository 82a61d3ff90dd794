"""The development provider: messages are stored in a table, nothing leaves the machine."""

from __future__ import annotations

from onestop.core import clock

from ..models import DevelopmentMessage
from .base import OutgoingMessage, SendResult


class DevelopmentProvider:
    name = "development"

    def send(self, message: OutgoingMessage) -> SendResult:
        stored, _ = DevelopmentMessage.objects.get_or_create(
            idempotency_key=message.idempotency_key,
            defaults={
                "channel": message.channel,
                "recipient": message.recipient,
                "subject": message.subject,
                "body_text": message.body_text,
                "body_html": message.body_html,
                "sent_at": clock.now(),
            },
        )
        return SendResult(provider_message_id=f"dev-{stored.pk}")


class InboxProvider:
    """The portal inbox: the notification row is the message, so sending only confirms it."""

    name = "inbox"

    def send(self, message: OutgoingMessage) -> SendResult:
        return SendResult(provider_message_id=message.idempotency_key)
