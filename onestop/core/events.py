"""Recording domain events: the event, its audit entry and the deliveries to its subscribers
commit with the change or not at all (a transactional outbox)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from . import dispatch
from .audit import audit_append
from .models import DomainEvent
from .subscriptions import subscriptions_for


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
    """Record the event; each subscriber gets a delivery task in the same transaction. An event
    nobody listens to is handled as soon as it is recorded. Inside the caller's transaction no
    savepoint is made: a failure here fails the caller's change too, as it must."""
    with transaction.atomic(savepoint=False):
        audit = audit_append(
            actor=actor,
            action=name,
            entity_type=entity_type,
            entity_id=str(entity_id),
            data=payload,
            channel=channel,
            on_behalf_of=on_behalf_of,
        )
        event = DomainEvent.objects.create(
            name=name,
            occurred_at=audit.occurred_at,
            actor=actor,
            channel=channel,
            on_behalf_of=on_behalf_of,
            entity_type=entity_type,
            entity_id=str(entity_id),
            payload=audit.data,
            audit_record=audit,
            handled_at=None if subscriptions_for(name) else audit.occurred_at,
        )
        dispatch.deliveries_create(event=event)
        return event
