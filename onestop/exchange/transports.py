"""How a query reaches a registry. The client picks one transport per registry from the
`ONESTOP_EXCHANGE_TRANSPORT` setting: `inprocess` (the embedded default) calls the registry's
operation in this process; `http` sends a signed X-Road request to the registry's HTTP server
(`http_transport.py`); `civil=http,vehicles=inprocess` names one per registry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from onestop.registries.operations import RecordNotFound

from .catalog import Operation


@dataclass(frozen=True)
class Answer:
    status: str  # ok, not_found, refused, pending or error
    data: dict[str, Any]


@dataclass(frozen=True)
class QueryContext:
    """Who asks, for whom and why: what a transport puts on the wire (X-Road headers) besides
    the question. `request_id` is the X-Road-Id, also the exchange log row's id."""

    request_id: str
    consumer: str
    acting_user: str
    on_behalf_of: str
    purpose: str


class Transport(Protocol):
    def fetch(self, *, operation: Operation, value: str, context: QueryContext) -> Answer: ...


class InProcessTransport:
    """Calls the registry's operation directly: no wire, so nothing to sign."""

    def fetch(self, *, operation: Operation, value: str, context: QueryContext) -> Answer:
        try:
            return Answer("ok", operation.function(value))
        except RecordNotFound as exc:
            return Answer("not_found", {"code": exc.code, "message": exc.message})


IN_PROCESS = InProcessTransport()
TRANSPORT_NAMES = ("http", "inprocess")


def transport_named(name: str) -> Transport:
    if name == "http":
        from .http_transport import http_transport  # imports httpx: only when chosen

        return http_transport
    return IN_PROCESS


def transport_names() -> dict[str, str]:
    """The setting parsed: a bare name applies to every registry (key `*`)."""
    raw = getattr(settings, "ONESTOP_EXCHANGE_TRANSPORT", "inprocess") or "inprocess"
    chosen: dict[str, str] = {}
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        registry, _, name = item.rpartition("=")
        chosen[registry.strip() or "*"] = name.strip()
    for name in chosen.values():
        if name not in TRANSPORT_NAMES:
            raise ImproperlyConfigured(
                f"ONESTOP_EXCHANGE_TRANSPORT names {name!r}, which is not a transport; "
                f"use one of: {', '.join(TRANSPORT_NAMES)}."
            )
    return chosen


def transport_for(registry: str) -> Transport:
    chosen = transport_names()
    return transport_named(chosen.get(registry, chosen.get("*", "inprocess")))
