"""The registries' side of the signed exchange: the security server a registry's HTTP server is
given (`onestop.registries.http.Security`). It checks a caller's signature against the trust
list, its access right, and signs the registry's answers with the registry's member key."""

from __future__ import annotations

from onestop.core.errors import NotFound
from onestop.registries.http import IncomingRequest, RequestRefused

from . import keys, protocol, selectors
from .keyring import private_key_cached
from .members import member_of_client, registry_member


def _signed(request: IncomingRequest) -> protocol.SignedRequest:
    return protocol.SignedRequest(
        method=request.method,
        path=request.path,
        query=request.query,
        headers=request.headers,
        body=request.body,
        signature=request.signature,
    )


class ExchangeSecurity:
    def request_verify(self, request: IncomingRequest) -> None:
        member = member_of_client(request.client)
        try:
            public_key = keys.member_public_key(member=member)
        except NotFound:
            raise RequestRefused(
                "The client's member is not in the trust list.", code="unknown_member"
            ) from None
        try:
            protocol.request_verify(_signed(request), public_key=public_key)
        except protocol.SignatureInvalid as exc:
            raise RequestRefused(exc.message, code="signature_invalid") from None

    def client_may(self, *, client: str, registry: str, operation: str, purpose: str) -> bool:
        return selectors.access_right_exists(
            consumer=client, registry=registry, operation=operation, purpose=purpose
        )

    def response_sign(self, *, registry: str, request: IncomingRequest, body: bytes) -> str:
        return protocol.response_sign(
            request=_signed(request),
            body=body,
            private_key=private_key_cached(member=registry_member(registry)),
        )
