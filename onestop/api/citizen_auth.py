"""A signed-in citizen over the API: the portal's session cookie, with Django's CSRF check on
every request that changes something (`X-CSRFToken` header matching the `csrftoken` cookie).
The session must belong to a citizen account; a staff session gets the same 401 as none."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie
from ninja.utils import check_csrf

from onestop.accounts.models import CitizenAccount
from onestop.accounts.selectors import citizen_account_get
from onestop.core.errors import DomainError, PermissionDenied

from .caching import language_choose


class SessionMissing(DomainError):
    code = "session_missing"
    status = 401


class CitizenSessionAuth(APIKeyCookie):
    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            with translation.override(language_choose(request, None)):
                message = _(
                    "The CSRF check failed: send the csrftoken cookie's value in the "
                    "X-CSRFToken header."
                )
            raise PermissionDenied(message, code="csrf_failed")
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> CitizenAccount:
        account = citizen_account_get(user=request.user)
        if account is None:
            with translation.override(language_choose(request, None)):
                message = _("Sign in as a citizen first; these endpoints use your session.")
            raise SessionMissing(message)
        return account


def citizen_of(request: HttpRequest) -> CitizenAccount:
    account: Any = request.auth  # type: ignore[attr-defined]
    return account  # type: ignore[no-any-return]
