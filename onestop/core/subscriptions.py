"""Who listens to which domain event.

An app puts its handlers in its `subscribers` module, which the core app imports at startup:

    @subscriber("application.submitted")
    def acknowledge(event: DomainEvent) -> None: ...

Each handler runs as its own background task, inside a transaction that also marks its delivery
done; it must tolerate being called again for the same event (at-least-once delivery).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import DomainEvent

Handler = Callable[["DomainEvent"], None]


@dataclass(frozen=True)
class Subscription:
    event_name: str
    name: str
    handler: Handler


_by_name: dict[str, Subscription] = {}


def subscriber(event_name: str, *, name: str | None = None) -> Callable[[Handler], Handler]:
    """Register `handler(event)` for events called `event_name`.

    `name` (default "<module>.<function>") identifies the subscription in delivery records, so
    renaming it orphans undelivered events: keep it stable once deployed.
    """

    def register(handler: Handler) -> Handler:
        key = name or f"{handler.__module__}.{handler.__qualname__}"
        known = _by_name.get(key)
        if known and (known.event_name, known.handler.__qualname__) != (
            event_name,
            handler.__qualname__,
        ):
            raise ValueError(f"the subscriber name {key!r} is already taken")
        _by_name[key] = Subscription(event_name=event_name, name=key, handler=handler)
        return handler

    return register


def subscriptions_for(event_name: str) -> list[Subscription]:
    return [item for item in _by_name.values() if item.event_name == event_name]


def subscription_get(name: str) -> Subscription | None:
    return _by_name.get(name)


def subscriptions_all() -> list[Subscription]:
    return sorted(_by_name.values(), key=lambda item: item.name)


def subscription_remove(name: str) -> None:
    """Forget a subscription (tests register handlers of their own and take them back)."""
    _by_name.pop(name, None)
