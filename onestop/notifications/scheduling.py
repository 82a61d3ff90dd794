"""When a message may go out: quiet hours from the country pack, and retry backoff."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from onestop.core.models import CountryProfile


def quiet_hours_end(*, at: datetime, quiet_hours: dict, time_zone: str) -> datetime | None:
    """The end of the quiet period `at` falls in, or None outside quiet hours. A period whose
    start is after its end (21:00–08:00) runs over midnight."""
    if not quiet_hours:
        return None
    start, end = time.fromisoformat(quiet_hours["start"]), time.fromisoformat(quiet_hours["end"])
    zone = ZoneInfo(time_zone)
    local = at.astimezone(zone)
    moment = local.time().replace(tzinfo=None)
    if start == end:
        return None
    is_quiet = (start <= moment or moment < end) if start > end else (start <= moment < end)
    if not is_quiet:
        return None
    day = local.date() if moment < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=zone)


def not_before(*, at: datetime, is_urgent: bool) -> datetime | None:
    if is_urgent:
        return None
    profile = CountryProfile.objects.filter(id=1).first()
    if profile is None:
        return None
    return quiet_hours_end(at=at, quiet_hours=profile.quiet_hours, time_zone=profile.time_zone)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after the given number of failed attempts, capped."""
    base = getattr(settings, "ONESTOP_NOTIFICATION_RETRY_BASE_SECONDS", 30)
    ceiling = getattr(settings, "ONESTOP_NOTIFICATION_RETRY_MAX_SECONDS", 3600)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), ceiling))


def max_attempts() -> int:
    return int(getattr(settings, "ONESTOP_NOTIFICATION_MAX_ATTEMPTS", 6))


def send_lease() -> timedelta:
    """How long a worker holds a message while its provider answers; longer than any timeout."""
    return timedelta(seconds=getattr(settings, "ONESTOP_NOTIFICATION_SEND_LEASE_SECONDS", 120))
