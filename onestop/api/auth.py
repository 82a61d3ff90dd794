"""API keys of trusted agency systems: `Authorization: Bearer <key>`, checked against one
scope per operation. Unknown, malformed and revoked keys get the same 401."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import HttpBearer

from onestop.core.errors import DomainError, PermissionDenied
from onestop.integrations.models import ApiKey
from onestop.integrations.services import api_key_authenticate

from .errors import error_response


class ApiKeyRejected(DomainError):
    code = "api_key_invalid"
    status = 401


class ApiKeyAuth(HttpBearer):
    """Raises instead of returning None, so the error says what to fix rather than ninja's
    bare "Unauthorized"."""

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def __call__(self, request: HttpRequest) -> ApiKey:
        scheme, _, token = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != self.openapi_scheme or not token.strip():
            raise ApiKeyRejected(
                "Send your API key as `Authorization: Bearer <key>`.", code="api_key_missing"
            )
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey:
        api_key = api_key_authenticate(token=token)
        if api_key is None:
            raise ApiKeyRejected(
                "The API key is unknown or revoked; check it or ask the platform's "
                "administrators for a new one."
            )
        if self.scope not in api_key.scopes:
            raise PermissionDenied(
                f"This API key lacks the scope {self.scope}; ask the platform's administrators "
                "for a key that has it.",
                code="scope_missing",
                scope=self.scope,
            )
        return api_key


def api_key_actor(api_key: ApiKey) -> str:
    if api_key.agency is None:  # a partner outlet's or kiosk's key
        return f"outlet:{api_key.owner_code}:{api_key.prefix}"
    return f"agency:{api_key.agency.code}:{api_key.prefix}"


def _on_rejected(api: NinjaAPI, request: HttpRequest, error: ApiKeyRejected) -> HttpResponse:
    response = error_response(
        api, request, status=error.status, code=error.code, message=error.message
    )
    response["WWW-Authenticate"] = 'Bearer realm="onestop"'
    return response


def auth_errors_install(api: NinjaAPI) -> None:
    """A 401 names the scheme to use (RFC 6750); other errors go through `errors`."""
    handler: Any = partial(_on_rejected, api)
    api.add_exception_handler(ApiKeyRejected, handler)
