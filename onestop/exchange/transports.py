"""How a query reaches a registry. The client picks one transport per registry from the
`ONESTOP_EXCHANGE_TRANSPORT` setting: `inprocess` (the embedded default) calls the registry's
operation in this process; `civil=inprocess,vehicles=inprocess` names one per registry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from onestop.registries.operations import RecordNotFound

from .catalog import Operation


@dataclass(frozen=True)
class Answer:
    status: str  # ok, not_found, pending or error
    data: dict[str, Any]


class Transport(Protocol):
    def fetch(self, *, operation: Operation, value: str, request_id: str) -> Answer: ...


class InProcessTransport:
    """Calls the registry's operation directly: no wire, so nothing to sign."""

    def fetch(self, *, operation: Operation, value: str, request_id: str) -> Answer:
        try:
            return Answer("ok", operation.function(value))
        except RecordNotFound as exc:
            return Answer("not_found", {"code": exc.code, "message": exc.message})


TRANSPORTS: dict[str, Transport] = {"inprocess": InProcessTransport()}


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
        if name not in TRANSPORTS:
            raise ImproperlyConfigured(
                f"ONESTOP_EXCHANGE_TRANSPORT names {name!r}, which is not a transport; "
                f"use one of: {', '.join(sorted(TRANSPORTS))}."
            )
    return chosen


def transport_for(registry: str) -> Transport:
    chosen = transport_names()
    return TRANSPORTS[chosen.get(registry, chosen.get("*", "inprocess"))]
