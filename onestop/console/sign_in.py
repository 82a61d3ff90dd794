"""The console's staff sign-in page, in the staff member's language: the rules (lockout,
Argon2, TOTP when ONESTOP_STAFF_REQUIRE_TOTP is on) are `staff_sign_in_check`'s."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import time_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from onestop.staff.otp import staff_totp_required
from onestop.staff.sign_in import SignInRefused, staff_sign_in_check

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
    try:
        user = staff_sign_in_check(
            request=request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
            otp_token=form.cleaned_data["otp_token"],
        )
    except SignInRefused as refused:
        if refused.code == "locked":
            form.add_error("username", _locked_message(refused.details["until"]))
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
    login(request, user)
    target = safe_next(request, form.cleaned_data["next"]) or reverse("console:mine")
    return redirect(target)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("console:sign_in")
