"""The one interface every provider offers: send a message once per idempotency key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class OutgoingMessage:
    idempotency_key: str
    channel: str
    recipient: str
    subject: str
    body_text: str
    body_html: str


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str


class TemporaryFailure(Exception):
    """The provider could not take the message now (outage, timeout): retry later."""


class PermanentFailure(Exception):
    """The provider refused the message (bad number, rejected content): do not retry."""


class Provider(Protocol):
    name: str

    def send(self, message: OutgoingMessage) -> SendResult:
        """Send or, when the key was seen before, acknowledge without sending again."""
        ...
