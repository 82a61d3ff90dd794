"""The registries' HTTP server, over real HTTP: waitress in a thread serving the civil registry
with the data exchange's security server, and httpx building signed requests by hand.

The server's threads read the test database through connections of their own, so what they
read must be committed. The module commits it once (a person, the members' keys, one access
right) and deletes it when it ends; the tests only read, inside the usual rolled-back
transaction. That is the transactional_db guarantee without flushing every table after each
test, which takes over a second per test on PostgreSQL."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from conftest import clock_freeze
from onestop.exchange import protocol
from onestop.exchange.keys import member_private_key, member_public_key
from onestop.exchange.provider import ExchangeSecurity
from onestop.registries.http import registries_application

from .servers import ANNA, PORTAL, ThreadServer, registry_rows_committed

pytestmark = pytest.mark.django_db

NOBODY = "99999999999"


@pytest.fixture(scope="module")
def committed(django_db_setup, django_db_blocker, tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("registries-http-var")
    with django_db_blocker.unblock(), registry_rows_committed(var_dir=var_dir):
        yield


@pytest.fixture(scope="module")
def server(committed):
    application = registries_application(registries=["civil"], security=ExchangeSecurity())
    with ThreadServer(application) as running:
        yield running


@pytest.fixture
def anna(server):
    return server


def build(operation="person", query=None, client=PORTAL, registry="civil"):
    return protocol.request_build(
        client=client,
        registry=registry,
        operation=operation,
        query={"national_id": ANNA} if query is None else query,
        user_id="operator-7",
        represented_party=ANNA,
        purpose="prefill",
    )


def signed(request, member="XM/GOV/onestop"):
    return protocol.request_sign(request, private_key=member_private_key(member=member))


def send(server, request, signature=None):
    headers = dict(request.headers)
    headers[protocol.SIGNATURE_HEADER] = request.signature if signature is None else signature
    return httpx.get(server.url + request.path, params=request.query, headers=headers)


def assert_signed_by_civil(request, response):
    """The answer carries the request's id and the civil registry's signature over it."""
    assert response.headers["X-Road-Id"] == request.headers["X-Road-Id"]
    protocol.response_verify(
        request=request,
        body=response.content,
        signature=response.headers[protocol.SIGNATURE_HEADER],
        public_key=member_public_key(member="XM/GOV/civil"),
    )


def test_a_signed_request_gets_the_record_signed_by_the_registry(server, anna, caplog):
    request = signed(build())

    response = send(server, request)

    assert response.status_code == 200
    assert response.json()["given_name"] == "Anna"
    assert response.json()["address"]["town"] == "Harbourtown"
    assert_signed_by_civil(request, response)
    assert f"registry civil/person answered 200 ok to {PORTAL}" in caplog.text
    assert ANNA not in caplog.text


def test_a_missing_record_is_a_signed_404(server, anna):
    request = signed(build(query={"national_id": NOBODY}))

    response = send(server, request)

    assert response.status_code == 404
    assert response.json() == {
        "code": "record_not_found",
        "message": "No person has this national ID.",
    }
    assert_signed_by_civil(request, response)


def test_a_tampered_request_is_refused(server, anna, caplog):
    request = signed(build())
    tampered = protocol.SignedRequest(
        method=request.method,
        path=request.path,
        query={"national_id": NOBODY},  # another person, under Anna's signature
        headers=request.headers,
        signature=request.signature,
    )

    response = send(server, tampered)

    assert response.status_code == 403
    assert response.json()["code"] == "signature_invalid"
    assert_signed_by_civil(tampered, response)
    assert "answered 403 signature_invalid" in caplog.text
    assert NOBODY not in caplog.text


def test_an_unsigned_request_is_refused(server, anna):
    response = send(server, build(), signature="")

    assert response.status_code == 403
    assert response.json() == {"code": "signature_invalid", "message": "The request is not signed."}


def test_a_member_outside_the_trust_list_is_refused(server, anna):
    stranger = protocol.request_sign(
        build(client="XM/GOV/stranger/app"), private_key=Ed25519PrivateKey.generate()
    )

    response = send(server, stranger)

    assert response.status_code == 403
    assert response.json()["code"] == "unknown_member"
    assert "given_name" not in response.text


def test_a_request_signed_with_another_members_key_is_refused(server, anna):
    request = signed(build(), member="XM/GOV/civil")  # claims to be the portal

    response = send(server, request)

    assert (response.status_code, response.json()["code"]) == (403, "signature_invalid")


def test_a_replayed_request_id_is_refused(server, anna):
    request = signed(build())
    assert send(server, request).status_code == 200

    replay = send(server, request)

    assert replay.status_code == 403
    assert replay.json()["code"] == "replayed_request"
    assert_signed_by_civil(request, replay)


@pytest.mark.parametrize("minutes", [-6, 6])
def test_a_request_id_minted_more_than_five_minutes_away_is_refused(
    server, anna, monkeypatch, minutes
):
    request = signed(build())
    clock_freeze(monkeypatch, datetime.now(UTC) + timedelta(minutes=-minutes))

    response = send(server, request)

    assert (response.status_code, response.json()["code"]) == (403, "stale_request")


def test_a_request_id_within_five_minutes_is_accepted(server, anna, monkeypatch):
    request = signed(build())
    clock_freeze(monkeypatch, datetime.now(UTC) + timedelta(minutes=4))

    assert send(server, request).status_code == 200


def test_a_client_without_the_right_is_refused_by_the_registry(server, anna):
    request = signed(build(operation="address"))  # the portal holds only civil/person

    response = send(server, request)

    assert response.status_code == 403
    assert response.json()["code"] == "access_denied"
    assert_signed_by_civil(request, response)


def test_an_unknown_operation_is_a_signed_404(server, anna):
    request = signed(build(operation="tax-returns"))

    response = send(server, request)

    assert response.status_code == 404
    assert response.json()["code"] == "unknown_operation"
    assert_signed_by_civil(request, response)


def test_an_operation_name_cannot_forge_a_log_line(server, anna, caplog):
    request = signed(build(operation="x%0Aregistry civil-forged"))  # a newline, once decoded

    send(server, request)

    assert "registry civil/? answered" in caplog.text
    assert "\nregistry civil-forged" not in caplog.text


@pytest.mark.parametrize(
    "query",
    [{}, {"national_id": ""}, {"vin": ANNA}, {"national_id": ANNA, "extra": "1"}],
    ids=["none", "empty", "another", "two"],
)
def test_bad_parameters_are_a_signed_400_naming_the_parameter(server, anna, query):
    request = signed(build(query=query))

    response = send(server, request)

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_params",
        "message": "Pass exactly one parameter, national_id, with a value.",
    }
    assert_signed_by_civil(request, response)


def test_a_registry_not_served_here_is_404(server, anna):
    request = signed(build(registry="vehicles", operation="vehicles-of"))

    response = send(server, request)

    assert (response.status_code, response.json()["code"]) == (404, "unknown_registry")


def test_a_path_outside_the_services_is_json_404(server, anna):
    response = httpx.get(server.url + "/admin/")

    assert response.status_code == 404
    assert response.json()["code"] == "unknown_service"


def test_only_get_is_answered(server, anna):
    request = signed(build())

    response = httpx.post(
        server.url + request.path,
        params=request.query,
        headers={**request.headers, protocol.SIGNATURE_HEADER: request.signature},
    )

    assert (response.status_code, response.json()["code"]) == (405, "method_not_allowed")


def test_the_replay_guard_forgets_ids_once_they_would_be_stale_anyway(monkeypatch):
    from onestop.registries import http as registry_http

    guard = registry_http.ReplayGuard()
    now = 1000.0
    monkeypatch.setattr(registry_http.time, "monotonic", lambda: now)
    assert [guard.first_time("a"), guard.first_time("a")] == [True, False]

    now += 9 * 60  # within twice the freshness window: still remembered
    assert guard.first_time("a") is False

    now += 2 * 60
    assert guard.first_time("a") is True


def test_the_registries_serve_every_operation_the_exchange_offers_with_its_parameter():
    from onestop.exchange.catalog import OPERATIONS
    from onestop.registries.services_table import SERVICES

    offered = {key: (op.function, op.parameter) for key, op in OPERATIONS.items()}
    served = {key: (service.function, service.parameter) for key, service in SERVICES.items()}

    assert served == offered


def test_a_host_name_outside_allowed_hosts_is_not_answered(server, anna):
    request = signed(build())

    response = httpx.get(
        server.url + request.path,
        params=request.query,
        headers={
            **request.headers,
            protocol.SIGNATURE_HEADER: request.signature,
            "Host": "registries.example",
        },
    )

    assert response.status_code == 400
    assert "given_name" not in response.text
