"""Handlers of domain events for agency systems (run as background tasks, at least once)."""

from __future__ import annotations

from onestop.core.models import DomainEvent
from onestop.core.subscriptions import subscriber

from .webhooks import webhook_deliveries_queue


@subscriber("task.created", name="integrations.webhooks_task_created")
def webhooks_task_created(event: DomainEvent) -> None:
    """Queue a signed delivery to each webhook of the task's agency; the POST itself is the
    delivery's own task, so a slow endpoint holds up neither the submission nor this event."""
    webhook_deliveries_queue(event=event)
