"""The reference registries' own HTTP API, in the X-Road message protocol for REST conventions:
`GET /r1/XM/GOV/<registry>/<operation>?<parameter>=<value>`, signed both ways.

A real agency system sits behind its security server, which checks the caller's signature
against the trust list and signs the answers. Here that role is played by a `Security` object
handed to the server when it starts (`onestop registries-serve` wires the data exchange's
implementation), so the registries never import the platform: they only say what a request
looks like and what they need checked.

Every answer is JSON — the registry's data, or `{"code", "message"}` — carries the request's
`X-Road-Id` and is signed with the registry's member key in `X-Onestop-Signature`, refusals
included. The parameter value (a national ID) is never logged.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

from onestop.core import clock
from onestop.core.errors import DomainError, PermissionDenied

from .services_table import REGISTRIES, registry_service_find

logger = logging.getLogger(__name__)

URLCONF = "onestop.registries.urls"
SIGNATURE_HEADER = "X-Onestop-Signature"
SIGNED_HEADERS = (
    "X-Road-Client",
    "X-Road-Id",
    "X-Road-UserId",
    "X-Road-Represented-Party",
    "X-Road-Purpose",
)
OPERATION_NAME = re.compile(r"[a-z0-9-]{1,60}")
# How far a request id's UUIDv7 time may lie from the server's clock, either way.
FRESHNESS = timedelta(minutes=5)


@dataclass(frozen=True)
class IncomingRequest:
    """What the security check needs of a request, exactly as it came over the wire."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    signature: str

    @property
    def client(self) -> str:
        return self.headers.get("X-Road-Client", "")

    @property
    def request_id(self) -> str:
        return self.headers.get("X-Road-Id", "")


class RequestRefused(PermissionDenied):
    """A request the registry does not answer: unsigned, tampered, unknown caller, replayed."""

    code = "request_refused"


class Security(Protocol):
    """The registry's security server."""

    def request_verify(self, request: IncomingRequest) -> None:
        """Raise RequestRefused unless a member in the trust list signed exactly this request."""

    def client_may(self, *, client: str, registry: str, operation: str, purpose: str) -> bool:
        """Whether the client holds a right to this service for this purpose."""

    def response_sign(self, *, registry: str, request: IncomingRequest, body: bytes) -> str:
        """The registry member's signature over `body` in answer to `request`."""


class ReplayGuard:
    """Remembers the request ids seen within the freshness window, so a captured request cannot
    be sent again. Per process: several processes serving one registry would need a shared
    store. An id older than the window is refused as stale anyway, so it can be forgotten."""

    def __init__(self) -> None:
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()
        self._next_sweep = 0.0

    def first_time(self, request_id: str) -> bool:
        now = time.monotonic()
        keep = 2 * FRESHNESS.total_seconds()
        with self._lock:
            if now >= self._next_sweep:
                self._seen = {key: at for key, at in self._seen.items() if now - at < keep}
                self._next_sweep = now + 60
            if request_id in self._seen:
                return False
            self._seen[request_id] = now
            return True


@dataclass
class RegistryServer:
    """What one server process serves and how it checks callers."""

    registries: frozenset[str]
    security: Security
    replay_guard: ReplayGuard = field(default_factory=ReplayGuard)


def request_id_check(request_id: str) -> None:
    """A request id must be a UUIDv7 minted within FRESHNESS of now."""
    try:
        parsed = uuid.UUID(request_id)
    except ValueError:
        raise RequestRefused("X-Road-Id must be a UUIDv7.", code="invalid_request_id") from None
    if parsed.version != 7:
        raise RequestRefused("X-Road-Id must be a UUIDv7.", code="invalid_request_id")
    minted_ms = parsed.int >> 80
    drift = abs(clock.now().timestamp() * 1000 - minted_ms) / 1000
    if drift > FRESHNESS.total_seconds():
        raise RequestRefused(
            "X-Road-Id was minted more than 5 minutes from now; send a fresh request.",
            code="stale_request",
        )


def _incoming(request: HttpRequest) -> IncomingRequest:
    return IncomingRequest(
        method=request.method or "GET",
        path=request.path,
        query={key: request.GET[key] for key in request.GET},
        headers={name: request.headers.get(name, "") for name in SIGNED_HEADERS},
        body=request.body,
        signature=request.headers.get(SIGNATURE_HEADER, ""),
    )


def _answer(
    server: RegistryServer, registry: str, incoming: IncomingRequest
) -> tuple[int, dict[str, Any]]:
    """The status and JSON body of the answer; raises DomainError for a refusal or a miss."""
    server.security.request_verify(incoming)
    request_id_check(incoming.request_id)
    if not server.replay_guard.first_time(incoming.request_id):
        raise RequestRefused("This X-Road-Id was already used.", code="replayed_request")
    operation = incoming.path.rsplit("/", 1)[-1]
    service = registry_service_find(registry=registry, operation=operation)
    if service is None:
        return 404, {"code": "unknown_operation", "message": f"{registry} offers no {operation}."}
    purpose = incoming.headers.get("X-Road-Purpose", "")
    if not server.security.client_may(
        client=incoming.client, registry=registry, operation=operation, purpose=purpose
    ):
        raise RequestRefused(
            f"{incoming.client} holds no right to {registry}/{operation} for this purpose.",
            code="access_denied",
        )
    value = incoming.query.get(service.parameter, "")
    if set(incoming.query) != {service.parameter} or not value or len(value) > 64:
        return 400, {
            "code": "invalid_params",
            "message": f"Pass exactly one parameter, {service.parameter}, with a value.",
        }
    return 200, service.function(value)


@csrf_exempt  # no cookies, no browser: every request is signed instead
def service_call(request: HttpRequest, registry: str, operation: str) -> HttpResponse:
    server: RegistryServer = request.registry_server  # type: ignore[attr-defined]
    if registry not in server.registries:
        # No key to sign with: this process does not hold that registry's member key.
        return _json(
            404, {"code": "unknown_registry", "message": f"{registry} is not served here."}
        )
    incoming = _incoming(request)
    if request.method != "GET":
        status, payload = 405, {"code": "method_not_allowed", "message": "Use GET."}
    else:
        try:
            status, payload = _answer(server, registry, incoming)
        except DomainError as exc:
            status, payload = exc.status, {"code": exc.code, "message": exc.message}
    logger.info(
        "registry %s/%s answered %s %s to %s (request %s)",
        registry,
        operation if OPERATION_NAME.fullmatch(operation) else "?",  # no forged log lines
        status,
        payload.get("code", "ok") if status != 200 else "ok",
        incoming.client or "-",
        incoming.request_id or "-",
    )
    response = _json(status, payload)
    response[SIGNATURE_HEADER] = server.security.response_sign(
        registry=registry, request=incoming, body=response.content
    )
    response["X-Road-Id"] = incoming.request_id
    return response


@csrf_exempt
def no_such_service(request: HttpRequest) -> HttpResponse:
    return _json(
        404,
        {"code": "unknown_service", "message": "Services are /r1/XM/GOV/<registry>/<operation>."},
    )


def _json(status: int, payload: dict[str, Any]) -> HttpResponse:
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    return HttpResponse(body, status=status, content_type="application/json")


class RegistryApplication(WSGIHandler):
    """Django's WSGI handler on the registries' own URLconf, with this server's settings on
    every request."""

    def __init__(self, server: RegistryServer) -> None:
        super().__init__()
        self.server = server

    def get_response(self, request: HttpRequest) -> HttpResponseBase:
        request.urlconf = URLCONF  # type: ignore[attr-defined]
        request.registry_server = self.server  # type: ignore[attr-defined]
        return super().get_response(request)


def registries_application(*, registries: Iterable[str], security: Security) -> WSGIHandler:
    """The WSGI application serving `registries` (names from the services table)."""
    chosen = frozenset(registries)
    unknown = sorted(chosen - set(REGISTRIES))
    if unknown or not chosen:
        raise ValueError(
            f"Unknown registries: {', '.join(unknown) or 'none chosen'}; "
            f"choose among {', '.join(REGISTRIES)}."
        )
    return RegistryApplication(RegistryServer(registries=chosen, security=security))
