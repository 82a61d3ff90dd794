from dataclasses import replace
from uuid import UUID

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from onestop.exchange.protocol import (
    SignatureInvalid,
    request_build,
    request_canonical,
    request_sign,
    request_verify,
    response_sign,
    response_verify,
)

ANNA = "85041212342"
CLIENT_KEY = Ed25519PrivateKey.generate()
REGISTRY_KEY = Ed25519PrivateKey.generate()
BODY = b'{"national_id": "85041212342", "given_name": "Anna"}'


def build(**overrides):
    arguments = {
        "client": "XM/GOV/onestop/portal",
        "registry": "civil",
        "operation": "person",
        "query": {"national_id": ANNA},
        "user_id": "operator-7",
        "represented_party": ANNA,
        "purpose": "prefill",
    } | overrides
    return request_sign(request_build(**arguments), private_key=CLIENT_KEY)


def test_a_request_carries_the_x_road_headers_and_a_uuid7_request_id():
    request = build()

    assert request.path == "/r1/XM/GOV/civil/person"
    assert request.headers["X-Road-Client"] == "XM/GOV/onestop/portal"
    assert request.headers["X-Road-UserId"] == "operator-7"
    assert request.headers["X-Road-Represented-Party"] == ANNA
    assert request.headers["X-Road-Purpose"] == "prefill"
    assert UUID(request.headers["X-Road-Id"]).version == 7
    assert build().headers["X-Road-Id"] != request.headers["X-Road-Id"]


def test_a_signed_request_verifies_with_the_clients_public_key():
    request_verify(build(), public_key=CLIENT_KEY.public_key())


def test_the_canonical_form_sorts_the_query_and_ignores_header_case():
    request = build(query={"b": "2", "a": "1 &x"})
    lowered = replace(request, headers={k.lower(): v for k, v in request.headers.items()})

    canonical = request_canonical(request)

    assert canonical == request_canonical(lowered)
    assert b"\na=1%20%26x&b=2\n" in canonical
    request_verify(lowered, public_key=CLIENT_KEY.public_key())


@pytest.mark.parametrize(
    "tamper",
    [
        lambda r: replace(r, body=b"{}"),
        lambda r: replace(r, query={"national_id": "12070310001"}),
        lambda r: replace(r, path="/r1/XM/GOV/civil/family"),
        lambda r: replace(r, method="POST"),
        lambda r: replace(r, headers=r.headers | {"X-Road-Purpose": "curiosity"}),
        lambda r: replace(r, headers=r.headers | {"X-Road-UserId": "someone-else"}),
        lambda r: replace(r, headers=r.headers | {"X-Road-Client": "XM/GOV/rogue/app"}),
        lambda r: replace(r, headers=r.headers | {"X-Road-Purpose": "prefill\nx-road-id:1"}),
        lambda r: replace(r, signature=""),
        lambda r: replace(r, signature="not base64!"),
    ],
    ids=[
        "body",
        "query",
        "path",
        "method",
        "purpose",
        "user",
        "client",
        "injected-line",
        "unsigned",
        "garbage-signature",
    ],
)
def test_a_tampered_request_is_refused(tamper):
    with pytest.raises(SignatureInvalid) as error:
        request_verify(tamper(build()), public_key=CLIENT_KEY.public_key())

    assert error.value.code == "signature_invalid"


def test_a_request_signed_by_another_key_is_refused():
    request = request_sign(build(), private_key=Ed25519PrivateKey.generate())

    with pytest.raises(SignatureInvalid):
        request_verify(request, public_key=CLIENT_KEY.public_key())


def test_a_signed_response_verifies_against_the_request_it_answers():
    request = build()
    signature = response_sign(request=request, body=BODY, private_key=REGISTRY_KEY)

    response_verify(
        request=request, body=BODY, signature=signature, public_key=REGISTRY_KEY.public_key()
    )


def test_a_tampered_response_body_is_refused():
    request = build()
    signature = response_sign(request=request, body=BODY, private_key=REGISTRY_KEY)

    with pytest.raises(SignatureInvalid):
        response_verify(
            request=request,
            body=BODY.replace(b"Anna", b"Anne"),
            signature=signature,
            public_key=REGISTRY_KEY.public_key(),
        )


def test_a_response_replayed_for_another_request_is_refused():
    first, second = build(), build()  # same question, different request ids
    signature = response_sign(request=first, body=BODY, private_key=REGISTRY_KEY)

    with pytest.raises(SignatureInvalid):
        response_verify(
            request=second, body=BODY, signature=signature, public_key=REGISTRY_KEY.public_key()
        )


def test_a_response_signed_by_another_key_is_refused():
    request = build()
    signature = response_sign(request=request, body=BODY, private_key=CLIENT_KEY)

    with pytest.raises(SignatureInvalid):
        response_verify(
            request=request, body=BODY, signature=signature, public_key=REGISTRY_KEY.public_key()
        )
