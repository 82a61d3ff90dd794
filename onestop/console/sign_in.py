"""The console's staff sign-in: the same rules as the admin's (docs/staff.md) — a locked
username refused before its password is checked, every failure counted, Argon2 passwords (a
password stored with an older hasher is re-hashed on success), and a TOTP code when
ONESTOP_STAFF_REQUIRE_TOTP is on — on a page in the staff member's language."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import time_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import match_token

from onestop.staff.otp import staff_totp_required
from onestop.staff.sign_in import (
    staff_sign_in_failed,
    staff_sign_in_locked_until,
    staff_sign_in_succeeded,
)

from .forms import SignInForm


def safe_next(request: HttpRequest, value: str | None) -> str:
    """`value` if it is a console path on this site, else ""."""
    if not value or not value.startswith("/") or value.startswith("//"):
        return ""
    is_safe = url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return value if is_safe else ""


def sign_in_redirect(request: HttpRequest) -> HttpResponseRedirect:
    query = urlencode({"next": request.get_full_path()})
    return redirect(f"{reverse('console:sign_in')}?{query}")


def _locked_message(until: object) -> str:
    return _("Too many failed sign-ins. Try again after %(time)s.") % {
        "time": time_format(localtime(until), "H:i")  # type: ignore[arg-type]
    }


def _render(request: HttpRequest, form: SignInForm, status: int = 200) -> HttpResponse:
    context = {"form": form, "totp_required": staff_totp_required()}
    return render(request, "console/sign_in.html", context, status=status)


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = SignInForm(initial={"next": safe_next(request, request.GET.get("next"))})
        return _render(request, form)
    form = SignInForm(request.POST)
    if not form.is_valid():
        return _render(request, form, status=400)
    username = form.cleaned_data["username"]
    until = staff_sign_in_locked_until(username=username)
    if until is not None:
        form.add_error("username", _locked_message(until))
        return _render(request, form, status=400)
    user = authenticate(request, username=username, password=form.cleaned_data["password"])
    device = None
    if user is not None and staff_totp_required():
        device = match_token(user, form.cleaned_data["otp_token"].replace(" ", ""))
        if device is None:
            user = None
    if user is None:
        until = staff_sign_in_failed(username=username)
        if until is not None:
            form.add_error("username", _locked_message(until))
        elif staff_totp_required():
            form.add_error(
                "password",
                _("The username, password or code is wrong. Check them and try again."),
            )
        else:
            form.add_error(
                "password", _("The username or password is wrong. Check them and try again.")
            )
        return _render(request, form, status=400)
    staff_sign_in_succeeded(username=username)
    if device is not None:
        user.otp_device = device  # type: ignore[attr-defined]  # django_otp marks the session
    login(request, user)
    target = safe_next(request, form.cleaned_data["next"]) or reverse("console:mine")
    return redirect(target)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("console:sign_in")
