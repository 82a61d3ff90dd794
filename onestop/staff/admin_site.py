"""The admin site staff sign in to: the lockout on every attempt, and, when
ONESTOP_STAFF_REQUIRE_TOTP is on, a TOTP code at sign-in and an OTP-verified session for every
admin page (an unverified session is treated as not staff). It also offers /admin/audit-verify/,
which verifies the audit trail for a staff member holding `audit.verify`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, URLResolver, path
from django.utils.formats import time_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite

from onestop.core.errors import DomainError

from .audit import audit_trail_verify
from .otp import staff_totp_required
from .permissions import staff_may
from .sign_in import staff_sign_in_failed, staff_sign_in_locked_until, staff_sign_in_succeeded


class LockoutMixin:
    """Refuse a locked username before checking anything, and count every failed attempt."""

    cleaned_data: dict[str, Any]

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        until = staff_sign_in_locked_until(username=username)
        if until is not None:
            raise forms.ValidationError(
                _("Too many failed sign-ins. Try again after %(time)s.")
                % {"time": time_format(localtime(until), "H:i")},
                code="locked",
            )
        try:
            cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        except forms.ValidationError:
            if username:
                staff_sign_in_failed(username=username)
            raise
        staff_sign_in_succeeded(username=username)
        return cleaned


class StaffSignInForm(LockoutMixin, AdminAuthenticationForm):
    pass


class StaffTotpSignInForm(LockoutMixin, OTPAdminAuthenticationForm):
    pass


class StaffAdminSite(admin.AdminSite):
    """The login form and template follow the setting at each request, so a test (or an
    operator's change) takes effect without rebuilding the URL conf."""

    @property
    def login_form(self) -> type[AdminAuthenticationForm]:  # type: ignore[override]
        return StaffTotpSignInForm if staff_totp_required() else StaffSignInForm

    @property
    def login_template(self) -> str | None:  # type: ignore[override]
        return OTPAdminSite.login_template if staff_totp_required() else None

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        return not staff_totp_required() or bool(request.user.is_verified())  # type: ignore[union-attr]

    index_template = "staff/admin_index.html"

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        context["may_verify_audit"] = staff_may(user=request.user, action="audit.verify")
        return context

    def get_urls(self) -> list[URLResolver | URLPattern]:
        verify = path("audit-verify/", self.admin_view(self.audit_verify), name="audit_verify")
        return [verify, *super().get_urls()]

    def audit_verify(self, request: HttpRequest) -> HttpResponse:
        """Walk the whole chain (read-only) and report on the admin's front page."""
        try:
            problems = audit_trail_verify(actor=request.user)
        except DomainError as refused:
            raise PermissionDenied(refused.message) from refused
        if problems:
            listed = "; ".join(str(problem) for problem in problems[:5])
            messages.error(
                request, f"The audit trail is NOT intact: {len(problems)} problem(s): {listed}."
            )
        else:
            messages.success(request, "The audit trail is intact.")
        return redirect("admin:index")
