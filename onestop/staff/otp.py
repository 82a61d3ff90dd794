"""Second factor for staff: TOTP devices (django-otp) and whether the admin requires one."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from onestop.core.errors import Conflict
from onestop.core.events import event_record


def staff_totp_required() -> bool:
    return bool(getattr(settings, "ONESTOP_STAFF_REQUIRE_TOTP", True))


def staff_totp_enrol(*, actor: str, user: Any, replace: bool = False) -> TOTPDevice:
    """Give `user` a TOTP device; its `config_url` is the provisioning URI for an
    authenticator app. An existing device is replaced only when asked, since replacing it
    locks out the phone that holds the old secret."""
    with transaction.atomic():
        existing = TOTPDevice.objects.filter(user=user)
        if existing.exists() and not replace:
            raise Conflict(
                f"{user.get_username()} already has a TOTP device; replace it explicitly.",
                code="totp_device_exists",
            )
        existing.delete()
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        event_record(
            name="staff.totp_enrolled",
            actor=actor,
            entity_type="auth.user",
            entity_id=str(user.pk),
            payload={"user": user.get_username(), "replaced": replace},
        )
    return device
