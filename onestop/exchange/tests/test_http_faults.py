"""Faults on the wire: the registries' HTTP server in a thread behind a wrapper that can answer
503 or answer slowly, and a port with no server at all. The platform must stay up, answer
within its timeout, say `pending` and log the failure.

The server threads read the test database through their own connections, so their rows are
committed once for the module (registries/tests/servers.py) and the tests only read them."""

import threading
import time
from datetime import UTC, datetime

import pytest

from conftest import clock_freeze
from onestop.exchange.client import exchange_query
from onestop.exchange.http_transport import http_transport
from onestop.exchange.models import ExchangeLogEntry
from onestop.exchange.provider import ExchangeSecurity
from onestop.registries.http import registries_application
from onestop.registries.tests.servers import (
    ANNA,
    PORTAL,
    ThreadServer,
    free_port,
    registry_rows_committed,
)

pytestmark = pytest.mark.django_db

# Beyond the timeout, for the last bytes and a busy machine (CI runs two workers on two cores).
MARGIN = 0.5


class Faults:
    """A WSGI wrapper: the next `unavailable` requests get 503 without reaching the registry;
    with `delay` every request waits that long first. Counts what reaches it."""

    def __init__(self, application):
        self.application = application
        self.lock = threading.Lock()
        self.clear()

    def clear(self):
        self.requests, self.unavailable, self.delay = 0, 0, 0.0
        self.unsigned = False

    def __call__(self, environ, start_response):
        with self.lock:
            self.requests += 1
            refuse = self.unavailable > 0
            self.unavailable -= 1 if refuse else 0
        if refuse:
            start_response("503 Service Unavailable", [("Content-Type", "application/json")])
            return [b'{"code": "unavailable"}']
        time.sleep(self.delay)
        if not self.unsigned:
            return self.application(environ, start_response)

        def without_signature(status, headers, *args):
            kept = [(name, value) for name, value in headers if name != "X-Onestop-Signature"]
            return start_response(status, kept, *args)

        return self.application(environ, without_signature)


@pytest.fixture(scope="module")
def committed(django_db_setup, django_db_blocker, tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("exchange-faults-var")
    with django_db_blocker.unblock(), registry_rows_committed(var_dir=var_dir):
        yield


@pytest.fixture(scope="module")
def registry_app(committed):
    return registries_application(registries=["civil"], security=ExchangeSecurity())


@pytest.fixture(scope="module")
def faulty(registry_app):
    faults = Faults(registry_app)
    with ThreadServer(faults) as server:
        faults.url = server.url
        yield faults


@pytest.fixture
def http(settings, faulty):
    settings.ONESTOP_EXCHANGE_TRANSPORT = "http"
    settings.ONESTOP_EXCHANGE_REGISTRY_URLS = faulty.url
    settings.ONESTOP_EXCHANGE_TIMEOUT = 1.0
    settings.ONESTOP_EXCHANGE_RETRIES = 2
    faulty.clear()
    http_transport.reset()
    yield faulty
    http_transport.reset()


def ask(operation="person"):
    return exchange_query(
        consumer=PORTAL,
        registry="civil",
        operation=operation,
        params={"national_id": ANNA},
        acting_user="operator-7",
        on_behalf_of=ANNA,
        purpose="prefill",
    )


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_a_query_without_a_right_is_refused_before_any_http_call(http, caplog):
    result = ask(operation="family")  # the portal holds only civil/person

    assert result.status == "refused"
    assert http.requests == 0
    assert ExchangeLogEntry.objects.get().status == "refused"
    assert f"exchange refused: {PORTAL} may not call /r1/XM/GOV/civil/family" in caplog.text


def test_503s_are_retried_with_the_same_request_until_the_registry_answers(http, caplog):
    http.unavailable = 2

    result = ask()

    assert result.status == "ok"
    assert result.data["given_name"] == "Anna"
    assert http.requests == 3
    assert ExchangeLogEntry.objects.get().status == "ok"


def test_a_registry_answering_503_beyond_the_retries_gives_pending(http, caplog):
    http.unavailable = 10

    result, elapsed = timed(ask)

    assert result.status == "pending"
    assert http.requests == 3  # the first call and two retries
    assert elapsed < 1.0 + MARGIN
    assert ExchangeLogEntry.objects.get().status == "pending"
    assert (
        f"exchange civil/person pending: HTTP 503 after 3 attempt(s) (request {result.request_id})"
        in caplog.text
    )


def test_a_slow_registry_gives_pending_within_the_timeout(http, caplog):
    http.delay = 2.0

    result, elapsed = timed(ask)

    assert result.status == "pending"
    assert 1.0 - 0.1 < elapsed < 1.0 + MARGIN
    assert http.requests == 1  # a read timeout spends the budget: no retry
    assert ExchangeLogEntry.objects.get().status == "pending"
    assert f"pending: ReadTimeout after 1 attempt(s) (request {result.request_id})" in caplog.text
    assert ANNA not in caplog.text


def test_an_unsigned_answer_is_rejected_as_a_security_event(http, caplog):
    http.unsigned = True

    result = ask()

    assert (result.status, result.data["code"]) == ("error", "response_rejected")
    assert "given_name" not in result.data
    assert ExchangeLogEntry.objects.get().status == "error"
    assert (
        "exchange security: the answer of civil/person was rejected: signature_invalid "
        f"(request {result.request_id})" in caplog.text
    )


def test_without_the_platforms_private_key_the_http_transport_is_misconfigured(
    http, settings, tmp_path
):
    from django.core.exceptions import ImproperlyConfigured

    settings.VAR_DIR = tmp_path  # no exchange-keys here

    with pytest.raises(ImproperlyConfigured, match="exchange-keys generate XM/GOV/onestop"):
        ask()
    assert http.requests == 0


def test_the_breaker_opens_after_failures_then_half_opens_and_closes_on_success(
    http, settings, registry_app, monkeypatch, caplog
):
    port = free_port()  # nothing listens there yet: the registry is down
    url = f"http://127.0.0.1:{port}"
    settings.ONESTOP_EXCHANGE_REGISTRY_URLS = f"civil={url}"
    settings.ONESTOP_EXCHANGE_RETRIES = 0
    settings.ONESTOP_EXCHANGE_BREAKER_FAILURES = 2
    settings.ONESTOP_EXCHANGE_BREAKER_RESET = 30
    clock = clock_freeze(monkeypatch, datetime.now(UTC))
    breaker = http_transport.breaker(registry="civil", base_url=url)

    assert [ask().status, ask().status] == ["pending", "pending"]
    assert caplog.text.count("pending: ConnectError after 1 attempt(s)") == 2
    assert breaker.state == "open"

    revived = Faults(registry_app)
    with ThreadServer(revived, port=port):  # the registry is back, the breaker still open
        result = ask()
        assert result.status == "pending"
        assert revived.requests == 0  # not even tried
        assert f"pending: circuit open (request {result.request_id})" in caplog.text

        clock.advance(seconds=30)
        trial = ask()
        assert (trial.status, revived.requests) == ("ok", 1)
        assert breaker.state == "closed"
        assert ask().status == "ok"

    assert [row.status for row in ExchangeLogEntry.objects.order_by("request_id")] == [
        "pending",
        "pending",
        "pending",
        "ok",
        "ok",
    ]
