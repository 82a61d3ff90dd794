"""Choosing the provider of each channel from settings."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings

from .base import OutgoingMessage, PermanentFailure, Provider, SendResult, TemporaryFailure
from .development import DevelopmentProvider, InboxProvider
from .http_sms import HttpSmsProvider
from .smtp import SmtpProvider

PROVIDERS: dict[str, type[Provider]] = {
    "development": DevelopmentProvider,
    "smtp": SmtpProvider,
    "http_sms": HttpSmsProvider,
}

__all__ = [
    "OutgoingMessage",
    "PermanentFailure",
    "Provider",
    "SendResult",
    "TemporaryFailure",
    "provider_for",
    "send_all",
]


def provider_for(channel: str) -> Provider:
    if channel == "inbox":
        return InboxProvider()
    setting = {"sms": "ONESTOP_SMS_PROVIDER", "email": "ONESTOP_EMAIL_PROVIDER"}[channel]
    return PROVIDERS[getattr(settings, setting, "development")]()


def send_all(
    provider: Provider, messages: Sequence[OutgoingMessage]
) -> list[SendResult | TemporaryFailure | PermanentFailure]:
    """Each message's result or failure, in order: in one call when the provider offers
    `send_many`, else one `send` after another."""
    send_many = getattr(provider, "send_many", None)
    if send_many is not None:
        return list(send_many(messages))
    outcomes: list[SendResult | TemporaryFailure | PermanentFailure] = []
    for message in messages:
        try:
            outcomes.append(provider.send(message))
        except (TemporaryFailure, PermanentFailure) as failure:
            outcomes.append(failure)
    return outcomes
