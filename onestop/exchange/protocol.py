"""Signed messages in the X-Road message protocol for REST conventions.

A request carries the client id (`X-Road-Client`), the service in its path
(`/r1/XM/GOV/<registry>/<operation>`), a unique id (`X-Road-Id`, a UUIDv7), the acting user
(`X-Road-UserId`), the party represented (`X-Road-Represented-Party`) and the purpose
(`X-Road-Purpose`). The client signs a canonical form of it with its member's Ed25519 key; the
registry signs its response over the body and the SHA-256 of the exact request, so a response
cannot be replayed as the answer to another request.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from urllib.parse import quote

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from onestop.core.errors import PermissionDenied
from onestop.core.ids import new_id

SIGNED_HEADERS = (
    "X-Road-Client",
    "X-Road-Id",
    "X-Road-UserId",
    "X-Road-Represented-Party",
    "X-Road-Purpose",
)
SIGNATURE_HEADER = "X-Onestop-Signature"
REQUEST_CONTEXT = b"onestop-exchange-request-v1"
RESPONSE_CONTEXT = b"onestop-exchange-response-v1"


class SignatureInvalid(PermissionDenied):
    code = "signature_invalid"


@dataclass(frozen=True)
class SignedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes = b""
    signature: str = field(default="")

    def canonical(self) -> bytes:
        return request_canonical(self)

    def digest(self) -> str:
        """SHA-256 of the canonical request: what the response is bound to."""
        return hashlib.sha256(self.canonical()).hexdigest()


def request_build(
    *,
    client: str,
    registry: str,
    operation: str,
    query: dict[str, str],
    user_id: str,
    represented_party: str,
    purpose: str,
    method: str = "GET",
    body: bytes = b"",
) -> SignedRequest:
    """An unsigned request with a fresh request id."""
    headers = {
        "X-Road-Client": client,
        "X-Road-Id": str(new_id()),
        "X-Road-UserId": user_id,
        "X-Road-Represented-Party": represented_party,
        "X-Road-Purpose": purpose,
    }
    return SignedRequest(
        method=method,
        path=f"/r1/XM/GOV/{registry}/{operation}",
        query=dict(query),
        headers=headers,
        body=body,
    )


def _header(headers: dict[str, str], name: str) -> str:
    """Header names are case-insensitive on the wire."""
    lowered = {key.lower(): value for key, value in headers.items()}
    return lowered.get(name.lower(), "")


def request_canonical(request: SignedRequest) -> bytes:
    """Method, path, the query sorted and percent-encoded, the signed headers in a fixed order,
    the body's SHA-256; one per line. Values are percent-encoded so no newline can forge a
    line."""
    lines = [
        REQUEST_CONTEXT.decode(),
        request.method.upper(),
        quote(request.path, safe="/"),
        "&".join(
            f"{quote(key, safe='')}={quote(value, safe='')}"
            for key, value in sorted(request.query.items())
        ),
        *(
            f"{name.lower()}:{quote(_header(request.headers, name), safe='')}"
            for name in SIGNED_HEADERS
        ),
        hashlib.sha256(request.body).hexdigest(),
    ]
    return "\n".join(lines).encode()


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _verify(public_key: Ed25519PublicKey, signature: str, message: bytes, what: str) -> None:
    try:
        public_key.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError) as exc:
        raise SignatureInvalid(f"The {what} signature does not verify.") from exc


def request_sign(request: SignedRequest, *, private_key: Ed25519PrivateKey) -> SignedRequest:
    """The same request carrying its signature."""
    signature = _b64(private_key.sign(request_canonical(request)))
    return SignedRequest(
        method=request.method,
        path=request.path,
        query=request.query,
        headers=request.headers,
        body=request.body,
        signature=signature,
    )


def request_verify(request: SignedRequest, *, public_key: Ed25519PublicKey) -> None:
    """Raises SignatureInvalid unless the client's key signed exactly this request."""
    if not request.signature:
        raise SignatureInvalid("The request is not signed.")
    _verify(public_key, request.signature, request_canonical(request), "request")


def _response_message(*, request: SignedRequest, body: bytes) -> bytes:
    return b"\n".join(
        [
            RESPONSE_CONTEXT,
            request.digest().encode(),
            _header(request.headers, "X-Road-Id").encode(),
            hashlib.sha256(body).hexdigest().encode(),
        ]
    )


def response_sign(*, request: SignedRequest, body: bytes, private_key: Ed25519PrivateKey) -> str:
    """The registry's signature over its response body, bound to the request it answers."""
    return _b64(private_key.sign(_response_message(request=request, body=body)))


def response_verify(
    *, request: SignedRequest, body: bytes, signature: str, public_key: Ed25519PublicKey
) -> None:
    """Raises SignatureInvalid unless the service signed this body in answer to this request."""
    _verify(public_key, signature, _response_message(request=request, body=body), "response")
