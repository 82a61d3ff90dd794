"""Reads: whether a consumer holds a right, and the exchange log about a person."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import AccessRight, ExchangeLogEntry


def access_right_exists(*, consumer: str, registry: str, operation: str, purpose: str) -> bool:
    return AccessRight.objects.filter(
        consumer=consumer, registry=registry, operation=operation, purpose=purpose
    ).exists()


def access_rights_list(*, consumer: str | None = None) -> QuerySet[AccessRight]:
    rights = AccessRight.objects.order_by("consumer", "registry", "operation", "purpose")
    return rights.filter(consumer=consumer) if consumer else rights


def exchange_log_about(*, national_id: str) -> QuerySet[ExchangeLogEntry]:
    """Every query about this person, newest first: the citizen's "who looked at my data"."""
    return ExchangeLogEntry.objects.filter(subject=national_id).order_by("-occurred_at", "-id")
