"""Fixtures of sign-in tests: a country (France, so national phone numbers parse), the sign-in
templates, a frozen clock that tests move forward, and reading codes from the development
outbox the way a citizen reads their phone."""

import re
from datetime import UTC, datetime

import pytest

from conftest import clock_freeze
from onestop.notifications.models import DevelopmentMessage, Notification
from onestop.notifications.services import notification_deliver
from onestop.notifications.tests.conftest import country, templates_for  # noqa: F401

START = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch):
    return clock_freeze(monkeypatch, START)


@pytest.fixture
def sign_in_templates(country):  # noqa: F811
    templates_for("sign_in_code", is_urgent=True)


def code_sent_to(recipient: str) -> str:
    """Deliver what is queued for `recipient` and read the newest code from the outbox."""
    for notification in Notification.objects.filter(recipient=recipient, status="queued"):
        notification_deliver(notification_id=str(notification.pk))
    message = DevelopmentMessage.objects.filter(recipient=recipient).order_by("-sent_at", "-id")[0]
    return re.search(r"\b(\d{6})\b", message.body_text).group(1)
