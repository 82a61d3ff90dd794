"""Staff sign-in lockout: five failures within fifteen minutes lock a username for fifteen
minutes after the last of them. Kept in the database so every app server sees the same lock.

A locked username is refused before its password is checked, and refusals while locked are not
counted, so the lock ends on time even when someone keeps trying.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import authenticate
from django.db import transaction
from django_otp import match_token

from onestop.core import clock
from onestop.core.errors import PermissionDenied
from onestop.core.events import event_record

from .models import SignInFailure
from .otp import staff_totp_required

FAILURES_TO_LOCK = 5
LOCK_WINDOW = timedelta(minutes=15)
LOCK_DURATION = timedelta(minutes=15)


def _key(username: str) -> str:
    return username.strip()[:150]


def staff_sign_in_locked_until(*, username: str) -> datetime | None:
    """When the lock on `username` ends, or None when it may try now."""
    recent = list(
        SignInFailure.objects.filter(username=_key(username))
        .order_by("-failed_at")
        .values_list("failed_at", flat=True)[:FAILURES_TO_LOCK]
    )
    if len(recent) < FAILURES_TO_LOCK or recent[0] - recent[-1] > LOCK_WINDOW:
        return None
    until = recent[0] + LOCK_DURATION
    return until if until > clock.now() else None


def staff_sign_in_failed(*, username: str) -> datetime | None:
    """Record a failure; returns when the lock it causes ends, if it causes one."""
    with transaction.atomic():
        SignInFailure.objects.create(username=_key(username), failed_at=clock.now())
        until = staff_sign_in_locked_until(username=username)
        if until is not None:
            event_record(
                name="staff.sign_in_locked",
                actor="system:sign-in",
                entity_type="auth.user",
                entity_id=_key(username),
                payload={"until": until.isoformat(), "failures": FAILURES_TO_LOCK},
            )
    return until


def staff_sign_in_succeeded(*, username: str) -> None:
    SignInFailure.objects.filter(username=_key(username)).delete()


class SignInRefused(PermissionDenied):
    """`code` is `locked` (with `until`) or `wrong_credentials`."""

    code = "sign_in_refused"


def staff_sign_in_check(*, request: Any, username: str, password: str, otp_token: str = "") -> Any:
    """The staff sign-in rules for a page of our own (the admin's form applies the same ones):
    a locked username is refused before its password is checked; the password, and the TOTP
    code when ONESTOP_STAFF_REQUIRE_TOTP is on, must match; every failure is counted. Returns
    the user, carrying its matched OTP device, ready for `login()`."""
    until = staff_sign_in_locked_until(username=username)
    if until is not None:
        raise SignInRefused("Too many failed sign-ins.", code="locked", until=until)
    user = authenticate(request, username=username, password=password)
    if user is not None and staff_totp_required():
        device = match_token(user, otp_token.replace(" ", ""))
        if device is None:
            user = None
        else:  # django_otp marks the session verified at login()
            user.otp_device = device  # type: ignore[attr-defined]
    if user is None:
        until = staff_sign_in_failed(username=username)
        if until is not None:
            raise SignInRefused("Too many failed sign-ins.", code="locked", until=until)
        raise SignInRefused("Wrong credentials.", code="wrong_credentials")
    staff_sign_in_succeeded(username=username)
    return user
