"""The HTTP transport: a signed X-Road REST request to the registry's own server
(`onestop registries-serve`), the signed answer verified.

- The platform member's key (the member of the consumer id) signs the request; the answer must
  be signed by the registry's member key over the exact request, or it is rejected (`error`,
  logged as a security event).
- `ONESTOP_EXCHANGE_TIMEOUT` is the whole budget of one query, retries included, so the caller
  has an answer within it. Connection failures and 502/503/504 are retried
  (`ONESTOP_EXCHANGE_RETRIES` times) with exponential backoff and jitter, with the same
  X-Road-Id: it is the same message, and a server that answered it does not answer twice.
- A circuit breaker per registry endpoint (breaker.py) stops calling a registry that keeps
  failing. A registry that is down, slow, failing (5xx) or behind an open breaker gives
  `pending`, never an exception; the failure is logged by type with the request id.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from onestop.core.errors import DomainError, NotFound

from . import keys, protocol
from .breaker import CircuitBreaker
from .catalog import Operation
from .keyring import private_key_cached
from .members import member_of_client, registry_member
from .transports import Answer, QueryContext

logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({502, 503, 504})
RETRY_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError)
BACKOFF_BASE_SECONDS = 0.1
# An attempt with less time left than this is not worth starting.
MINIMUM_ATTEMPT_SECONDS = 0.05


def registry_urls() -> dict[str, str]:
    """ONESTOP_EXCHANGE_REGISTRY_URLS parsed: one base URL for all (key `*`) or per registry."""
    raw = getattr(settings, "ONESTOP_EXCHANGE_REGISTRY_URLS", "") or ""
    urls: dict[str, str] = {}
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        name, separator, url = item.partition("=")
        if separator and "://" not in name:
            urls[name.strip()] = url.strip().rstrip("/")
        else:
            urls["*"] = item.rstrip("/")
    for url in urls.values():
        if not url.startswith(("http://", "https://")):
            raise ImproperlyConfigured(
                f"ONESTOP_EXCHANGE_REGISTRY_URLS has {url!r}, which is not an http(s) URL; "
                "give one base URL (http://127.0.0.1:8100) or civil=http://…,vehicles=http://…"
            )
    return urls


def registry_url(registry: str) -> str:
    urls = registry_urls()
    url = urls.get(registry, urls.get("*", ""))
    if not url:
        raise ImproperlyConfigured(
            f"The HTTP transport has no URL for the {registry} registry: set "
            f"ONESTOP_EXCHANGE_REGISTRY_URLS (e.g. http://127.0.0.1:8100 or {registry}=http://…)."
        )
    return url


@dataclass(frozen=True)
class Attempts:
    """How the request went: a response, or the type of the last failure."""

    response: httpx.Response | None
    failure: str
    count: int


class HttpTransport:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: dict[str, httpx.Client] = {}
        self._breakers: dict[tuple[str, str], CircuitBreaker] = {}

    def fetch(self, *, operation: Operation, value: str, context: QueryContext) -> Answer:
        base_url = registry_url(operation.registry)
        breaker = self.breaker(registry=operation.registry, base_url=base_url)
        service = f"{operation.registry}/{operation.name}"
        request = self._signed_request(operation=operation, value=value, context=context)
        if not breaker.allow():
            logger.warning(
                "exchange %s pending: circuit open (request %s)", service, context.request_id
            )
            return Answer("pending", {})
        attempts = Attempts(None, "", 0)
        try:
            attempts = self._send(base_url, request)
        finally:
            # Also on an unexpected error, so a half-open breaker never waits forever.
            if attempts.response is None or attempts.response.status_code >= 500:
                breaker.record_failure()
            else:
                breaker.record_success()
        if attempts.response is None or attempts.response.status_code >= 500:
            logger.warning(
                "exchange %s pending: %s after %d attempt(s) (request %s)",
                service,
                attempts.failure,
                attempts.count,
                context.request_id,
            )
            return Answer("pending", {})
        return self._answer(request, attempts.response, service=service)

    def breaker(self, *, registry: str, base_url: str) -> CircuitBreaker:
        with self._lock:
            key = (registry, base_url)
            if key not in self._breakers:
                self._breakers[key] = CircuitBreaker(
                    failures=settings.ONESTOP_EXCHANGE_BREAKER_FAILURES,
                    reset_seconds=settings.ONESTOP_EXCHANGE_BREAKER_RESET,
                )
            return self._breakers[key]

    def reset(self) -> None:
        """Forget breakers and close pooled connections (tests; a reconfigured process)."""
        with self._lock:
            for client in self._clients.values():
                client.close()
            self._clients.clear()
            self._breakers.clear()

    def _client(self, base_url: str) -> httpx.Client:
        """One pooled keep-alive client per registry endpoint."""
        with self._lock:
            if base_url not in self._clients:
                self._clients[base_url] = httpx.Client(
                    base_url=base_url,
                    limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
                    follow_redirects=False,
                    trust_env=False,
                )
            return self._clients[base_url]

    def _signed_request(
        self, *, operation: Operation, value: str, context: QueryContext
    ) -> protocol.SignedRequest:
        request = protocol.SignedRequest(
            method="GET",
            path=f"/r1/XM/GOV/{operation.registry}/{operation.name}",
            query={operation.parameter: value},
            headers={
                "X-Road-Client": context.consumer,
                "X-Road-Id": context.request_id,
                "X-Road-UserId": context.acting_user,
                "X-Road-Represented-Party": context.on_behalf_of,
                "X-Road-Purpose": context.purpose,
            },
        )
        member = member_of_client(context.consumer)
        try:
            private_key = private_key_cached(member=member)
        except NotFound as exc:  # the operator's to fix, like a transport that does not exist
            raise ImproperlyConfigured(exc.message) from None
        return protocol.request_sign(request, private_key=private_key)

    def _send(self, base_url: str, request: protocol.SignedRequest) -> Attempts:
        client = self._client(base_url)
        deadline = time.monotonic() + settings.ONESTOP_EXCHANGE_TIMEOUT
        headers = {**request.headers, protocol.SIGNATURE_HEADER: request.signature}
        failure, count = "", 0
        for attempt in range(settings.ONESTOP_EXCHANGE_RETRIES + 1):
            remaining = deadline - time.monotonic()
            if remaining < MINIMUM_ATTEMPT_SECONDS:
                break
            count += 1
            try:
                response = client.get(
                    request.path,
                    params=request.query,
                    headers=headers,
                    timeout=httpx.Timeout(remaining),
                )
            except RETRY_ERRORS as exc:
                failure = type(exc).__name__
            except httpx.HTTPError as exc:  # a read timeout: the budget is spent
                return Attempts(None, type(exc).__name__, count)
            else:
                if response.status_code not in RETRY_STATUSES:
                    return Attempts(response, "", count)
                failure = f"HTTP {response.status_code}"
            delay = BACKOFF_BASE_SECONDS * 2**attempt * random.uniform(0.5, 1.0)
            if time.monotonic() + delay + MINIMUM_ATTEMPT_SECONDS > deadline:
                break
            time.sleep(delay)
        return Attempts(None, failure or "timeout", count)

    def _answer(
        self, request: protocol.SignedRequest, response: httpx.Response, *, service: str
    ) -> Answer:
        request_id = request.headers["X-Road-Id"]
        registry = service.split("/", 1)[0]
        try:
            protocol.response_verify(
                request=request,
                body=response.content,
                signature=response.headers.get(protocol.SIGNATURE_HEADER, ""),
                public_key=keys.member_public_key(member=registry_member(registry)),
            )
            payload = response.json()
            if not isinstance(payload, dict):
                raise ValueError("not a JSON object")
        except DomainError as exc:
            logger.error(
                "exchange security: the answer of %s was rejected: %s (request %s)",
                service,
                exc.code,
                request_id,
            )
            return Answer("error", {"code": "response_rejected", "message": exc.message})
        except ValueError:
            logger.error("exchange %s answered no JSON object (request %s)", service, request_id)
            return Answer("error", {"code": "invalid_response", "message": "Not a JSON object."})
        return _answer_from(response.status_code, payload, service=service, request_id=request_id)


def _answer_from(status: int, payload: dict, *, service: str, request_id: str) -> Answer:
    if status == 200:
        return Answer("ok", payload)
    problem = {"code": str(payload.get("code", "")), "message": str(payload.get("message", ""))}
    if status == 404 and problem["code"] == "record_not_found":
        return Answer("not_found", problem)
    if status == 403:
        logger.warning(
            "exchange %s refused by the registry: %s (request %s)",
            service,
            problem["code"],
            request_id,
        )
        return Answer("refused", problem)
    logger.error(
        "exchange %s answered %s %s (request %s)", service, status, problem["code"], request_id
    )
    return Answer("error", problem)


http_transport = HttpTransport()
