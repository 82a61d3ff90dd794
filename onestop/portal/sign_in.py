"""Citizen sign-in with a one-time code, sign-out, and the portal inbox: thin views over
`onestop.accounts`. The contact being signed in travels in the session, never in a URL."""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

from django.contrib.auth import login, logout
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from onestop.accounts.oidc import oidc_config
from onestop.accounts.selectors import citizen_inbox_list
from onestop.accounts.services import inbox_message_open, sign_in_code_request, sign_in_code_verify
from onestop.core.errors import InvalidInput, NotFound

from .forms import CodeForm, SignInForm
from .views import PAGE_SIZE, Paging, _page_number

SESSION_CONTACT = "portal.sign_in.contact"
SESSION_NEXT = "portal.sign_in.next"


def _safe_next(request: HttpRequest, value: str | None) -> str:
    """`value` if it is a path on this site, else ""; never an address elsewhere."""
    if not value or not value.startswith("/") or value.startswith("//"):
        return ""
    is_safe = url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return value if is_safe else ""


def _sign_in_redirect(request: HttpRequest) -> HttpResponseRedirect:
    query = urlencode({"next": request.get_full_path()})
    return redirect(f"{reverse('portal:sign_in')}?{query}")


def _sign_in_context(form: SignInForm) -> dict[str, object]:
    return {"form": form, "eid_enabled": oidc_config() is not None}


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = SignInForm(initial={"next": _safe_next(request, request.GET.get("next"))})
        return render(request, "portal/sign_in.html", _sign_in_context(form))
    form = SignInForm(request.POST)
    if form.is_valid():
        contact = form.cleaned_data["contact"].strip()
        try:
            sign_in_code_request(
                contact=contact,
                language=get_language(),
                channel_hint="",
                requester_ip=request.META.get("REMOTE_ADDR", ""),
            )
        except InvalidInput:
            form.add_error(
                "contact",
                _(
                    "Enter a phone number with its country code, such as +33 6 12 34 56 78, "
                    "or an e-mail address, such as name@example.org."
                ),
            )
        else:
            request.session[SESSION_CONTACT] = contact
            request.session[SESSION_NEXT] = _safe_next(request, form.cleaned_data["next"])
            return redirect("portal:sign_in_code")
    return render(request, "portal/sign_in.html", _sign_in_context(form), status=400)


@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    contact = request.session.get(SESSION_CONTACT)
    if not contact:
        return redirect("portal:sign_in")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = sign_in_code_verify(contact=contact, code=form.cleaned_data["code"])
        except InvalidInput:
            form.add_error(
                "code", _("This code is wrong or no longer valid. Check it, or ask for a new code.")
            )
        else:
            target = request.session.get(SESSION_NEXT) or reverse("portal:inbox")
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session.pop(SESSION_CONTACT, None)
            request.session.pop(SESSION_NEXT, None)
            return redirect(_safe_next(request, target) or reverse("portal:inbox"))
    return render(
        request,
        "portal/sign_in_code.html",
        {"form": form, "contact": contact},
        status=400 if form.errors else 200,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:home")


def inbox(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _sign_in_redirect(request)
    page_number = _page_number(request)
    rows = citizen_inbox_list(user=request.user)
    paging = Paging(number=page_number, count=rows.count())
    return render(
        request,
        "portal/inbox.html",
        {"inbox_messages": rows[paging.offset : paging.offset + PAGE_SIZE], "paging": paging},
    )


def inbox_message(request: HttpRequest, message_id: UUID) -> HttpResponse:
    if not request.user.is_authenticated:
        return _sign_in_redirect(request)
    try:
        message = inbox_message_open(user=request.user, message_id=str(message_id))
    except NotFound as error:
        raise Http404(str(message_id)) from error
    return render(request, "portal/inbox_message.html", {"message": message})
