"""Choosing the provider of each channel from settings."""

from __future__ import annotations

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
]


def provider_for(channel: str) -> Provider:
    if channel == "inbox":
        return InboxProvider()
    setting = {"sms": "ONESTOP_SMS_PROVIDER", "email": "ONESTOP_EMAIL_PROVIDER"}[channel]
    return PROVIDERS[getattr(settings, setting, "development")]()
