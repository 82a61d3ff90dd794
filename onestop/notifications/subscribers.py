"""Domain events that notify people.

A domain service asks for a message by recording, in its own transaction, an event whose
payload carries a `notify` block (see `services.notification_request_for_event`); the message
is then queued by this handler, once per event whatever the number of deliveries.
"""

from __future__ import annotations

from onestop.core.models import DomainEvent
from onestop.core.subscriptions import subscriber

from . import services

NOTIFY_EVENT = "notifications.requested"


@subscriber(NOTIFY_EVENT, name="notifications.request")
def notification_request_on_event(event: DomainEvent) -> None:
    services.notification_request_for_event(event=event)
