"""The one way the platform asks a registry: `exchange_query`. It checks the access right,
sends the query through the registry's transport, and logs the query whatever happens."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from onestop.core import clock
from onestop.core.ids import new_id

from . import selectors
from .catalog import operation_find
from .models import ExchangeLogEntry
from .transports import QueryContext, transport_for

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExchangeResult:
    status: str  # ok, not_found, refused, pending, error
    data: dict[str, Any] = field(default_factory=dict)
    source: str = ""  # the X-Road service path that answered
    fetched_at: datetime | None = None
    request_id: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def service_path(*, registry: str, operation: str) -> str:
    return f"/r1/XM/GOV/{registry}/{operation}"


def exchange_query(
    *,
    consumer: str,
    registry: str,
    operation: str,
    params: dict[str, str],
    acting_user: str,
    on_behalf_of: str = "",
    purpose: str,
) -> ExchangeResult:
    """Ask `registry` for `operation` with `params` (the operation's one parameter, e.g.
    `{"national_id": ...}`). Never raises for a refusal, a missing record or a failing
    registry: the status says what happened, and the exchange log holds one row per call."""
    request_id = new_id()
    started = time.monotonic()
    source = service_path(registry=registry, operation=operation)
    spec = operation_find(registry=registry, operation=operation)
    value = str(params.get(spec.parameter, "")) if spec else ""
    # An attempt at an unknown operation is still shown to the person it named.
    subject = value if spec and spec.parameter_is_subject else ""
    if spec is None:
        subject = str(params.get("national_id", ""))
    data: dict[str, Any] = {}
    if spec is None or not selectors.access_right_exists(
        consumer=consumer, registry=registry, operation=operation, purpose=purpose
    ):
        status = "refused"
        logger.warning(
            "exchange refused: %s may not call %s for %s (request %s)",
            consumer,
            source,
            purpose,
            request_id,
        )
    elif not value or set(params) != {spec.parameter}:
        status = "error"
        data = {
            "code": "invalid_params",
            "message": f"Pass exactly one parameter: {spec.parameter}.",
        }
    else:
        transport = transport_for(registry)  # a misconfiguration is loud, not a logged error
        context = QueryContext(
            request_id=str(request_id),
            consumer=consumer,
            acting_user=acting_user,
            on_behalf_of=on_behalf_of,
            purpose=purpose,
        )
        try:
            answer = transport.fetch(operation=spec, value=value, context=context)
            status, data = answer.status, answer.data
        except ImproperlyConfigured:
            raise
        except Exception as exc:  # a failing registry must not break the caller's page
            status, data = "error", {"code": "registry_failed", "message": type(exc).__name__}
            logger.error(
                "exchange %s failed: %s (request %s)", source, type(exc).__name__, request_id
            )
        if status == "ok" and spec.subject_in_answer:
            subject = str(data.get(spec.subject_in_answer, ""))
    fetched_at = clock.now()
    ExchangeLogEntry.objects.create(
        request_id=request_id,
        occurred_at=fetched_at,
        consumer=consumer[:200],
        acting_user=acting_user[:200],
        on_behalf_of=on_behalf_of[:200],
        subject=subject[:40],
        registry=registry[:40],
        operation=operation[:60],
        purpose=purpose[:60],
        status=status,
        duration_ms=round((time.monotonic() - started) * 1000),
    )
    return ExchangeResult(
        status=status,
        data=data if status in ("ok", "not_found", "error") else {},
        source=source,
        fetched_at=fetched_at,
        request_id=str(request_id),
    )
