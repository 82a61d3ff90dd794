"""Recording domain events: the event and its audit entry commit with the change or not at all."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .audit import audit_append
from .models import DomainEvent


def event_record(
    *,
    name: str,
    actor: str,
    entity_type: str,
    entity_id: str,
    payload: dict[str, Any] | None = None,
    channel: str = "",
    on_behalf_of: str = "",
) -> DomainEvent:
    with transaction.atomic():
        audit = audit_append(
            actor=actor,
            action=name,
            entity_type=entity_type,
            entity_id=str(entity_id),
            data=payload,
            channel=channel,
            on_behalf_of=on_behalf_of,
        )
        return DomainEvent.objects.create(
            name=name,
            occurred_at=audit.occurred_at,
            actor=actor,
            channel=channel,
            on_behalf_of=on_behalf_of,
            entity_type=entity_type,
            entity_id=str(entity_id),
            payload=audit.data,
            audit_record=audit,
        )
