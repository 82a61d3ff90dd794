"""The development provider: messages are stored in a table, nothing leaves the machine."""

from __future__ import annotations

from collections.abc import Sequence

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

    def send_many(self, messages: Sequence[OutgoingMessage]) -> list[SendResult]:
        """`send` for many messages in two queries; keys seen before are acknowledged."""
        now = clock.now()
        DevelopmentMessage.objects.bulk_create(
            (
                DevelopmentMessage(
                    idempotency_key=message.idempotency_key,
                    channel=message.channel,
                    recipient=message.recipient,
                    subject=message.subject,
                    body_text=message.body_text,
                    body_html=message.body_html,
                    sent_at=now,
                )
                for message in messages
            ),
            batch_size=500,
            ignore_conflicts=True,
        )
        stored = dict(
            DevelopmentMessage.objects.filter(
                idempotency_key__in=[message.idempotency_key for message in messages]
            ).values_list("idempotency_key", "pk")
        )
        return [
            SendResult(provider_message_id=f"dev-{stored[m.idempotency_key]}") for m in messages
        ]


class InboxProvider:
    """The portal inbox: the notification row is the message, so sending only confirms it."""

    name = "inbox"

    def send(self, message: OutgoingMessage) -> SendResult:
        return SendResult(provider_message_id=message.idempotency_key)
