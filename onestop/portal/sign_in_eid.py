"""Citizen sign-in with the national e-ID (OpenID Connect): thin views over
`onestop.accounts.oidc` and `citizen_sign_in_oidc`.

The start is a POST with the CSRF token (a button, no JavaScript), so a link prefetcher or a
crawler never opens flows, and another site cannot push a visitor into one. The callback is one
address without a language prefix, so the provider registers a single redirect URI; the
language, the page to return to, `state`, `nonce` and the PKCE verifier wait in the session,
keyed by `state`, for at most ten minutes. A citizen already signed in by code who uses the
e-ID gets that same account linked to their national ID.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from onestop.accounts.oidc import (
    EidFailed,
    OidcConfig,
    oidc_authorization_finish,
    oidc_authorization_start,
    oidc_config,
)
from onestop.accounts.selectors import citizen_account_get
from onestop.accounts.services import citizen_sign_in_oidc
from onestop.core import clock
from onestop.core.errors import InvalidInput

from .sign_in import SESSION_CONTACT, SESSION_NEXT, _safe_next

SESSION_FLOWS = "portal.sign_in_eid.flows"
FLOW_VALID = timedelta(minutes=10)
MAX_FLOWS = 5  # sign-ins started in other tabs that may still come back

REASONS = {
    "eid_cancelled": _("The sign-in was cancelled at the e-ID service. Nothing was changed."),
    "eid_state_invalid": _(
        "This sign-in answer does not belong to this browser, or it came too late. "
        "Start the e-ID sign-in again from this page."
    ),
    "eid_unreachable": _(
        "The e-ID service is not answering at the moment. Try again in a few minutes, "
        "or sign in with a code."
    ),
    "eid_provider_error": _(
        "The e-ID service reported a problem and did not sign you in. Try again later, "
        "or sign in with a code."
    ),
    "eid_token_refused": _(
        "The e-ID service did not confirm the sign-in. Start again, or sign in with a code."
    ),
    "eid_id_token_invalid": _(
        "The answer from the e-ID service failed our security checks, so you are not "
        "signed in. Start again, or sign in with a code."
    ),
    "eid_claim_missing": _(
        "The e-ID service did not tell us your national ID, so you are not signed in. "
        "Sign in with a code instead."
    ),
}


def _eid_enabled(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """404 for every e-ID address while the e-ID sign-in is not configured."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        config = oidc_config()
        if config is None:
            raise Http404("the e-ID sign-in is not configured")
        return view(request, config, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _redirect_uri(request: HttpRequest) -> str:
    configured: str = settings.ONESTOP_OIDC_REDIRECT_URI
    return configured or request.build_absolute_uri(reverse("sign_in_eid_callback"))


def _live_flows(request: HttpRequest) -> dict[str, dict[str, str]]:
    now = clock.now()
    flows: dict[str, dict[str, str]] = request.session.get(SESSION_FLOWS, {})
    return {
        state: flow
        for state, flow in flows.items()
        if datetime.fromisoformat(flow["started_at"]) + FLOW_VALID > now
    }


def _failure(
    request: HttpRequest, code: str, *, next_url: str, message: str = "", status: int = 400
) -> HttpResponse:
    """The translated page saying what went wrong, offering the e-ID again and the code."""
    reason = message or str(REASONS.get(code, REASONS["eid_provider_error"]))
    return render(
        request,
        "portal/sign_in_eid_error.html",
        {"reason": reason, "next": next_url},
        status=status,
    )


@_eid_enabled
@require_POST
def sign_in_eid(request: HttpRequest, config: OidcConfig) -> HttpResponse:
    next_url = _safe_next(request, request.POST.get("next"))
    try:
        start = oidc_authorization_start(config=config, redirect_uri=_redirect_uri(request))
    except EidFailed as error:
        return _failure(request, error.code, next_url=next_url, status=502)
    flows = _live_flows(request)
    for stale in sorted(flows, key=lambda s: flows[s]["started_at"])[: -(MAX_FLOWS - 1)]:
        del flows[stale]
    flows[start.state] = {
        "nonce": start.nonce,
        "code_verifier": start.code_verifier,
        "language": get_language(),
        "next": next_url,
        "started_at": clock.now().isoformat(),
    }
    request.session[SESSION_FLOWS] = flows
    return HttpResponseRedirect(start.url)


@_eid_enabled
@require_GET
def sign_in_eid_callback(request: HttpRequest, config: OidcConfig) -> HttpResponse:
    """The provider's redirect back. Each flow is used once: it leaves the session whatever
    the outcome, so a replayed answer finds nothing."""
    flows = _live_flows(request)
    state = request.GET.get("state", "")
    flow = flows.pop(state, None)
    if SESSION_FLOWS in request.session:  # a stray visitor gets no session row
        request.session[SESSION_FLOWS] = flows
    language = flow["language"] if flow else get_language()
    next_url = flow["next"] if flow else ""
    with translation.override(language):
        try:
            identity = oidc_authorization_finish(
                config=config,
                redirect_uri=_redirect_uri(request),
                expected_state=state if flow else "",
                nonce=flow["nonce"] if flow else "",
                code_verifier=flow["code_verifier"] if flow else "",
                params=request.GET.dict(),
            )
            user = citizen_sign_in_oidc(
                issuer=identity.issuer,
                subject=identity.subject,
                national_id=identity.national_id,
                signed_in_account=citizen_account_get(user=request.user),
            )
        except EidFailed as error:
            status = 502 if error.code in {"eid_unreachable", "eid_provider_error"} else 400
            return _failure(request, error.code, next_url=next_url, status=status)
        except InvalidInput as error:
            return _failure(request, error.code, next_url=next_url, message=error.message)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session.pop(SESSION_CONTACT, None)
        request.session.pop(SESSION_NEXT, None)
        return redirect(_safe_next(request, next_url) or reverse("portal:inbox"))
