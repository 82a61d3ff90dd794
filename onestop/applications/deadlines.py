"""Statutory deadlines of agency tasks, counted in the country pack's working days.

A task is due at the end of its last working day in the pack's time zone (a deadline of five
working days from a Friday application is the next Friday at midnight, local time). The SLA
warning falls at ONESTOP_SLA_WARNING_SHARE of the time from the start to the due moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from onestop.catalog.models import ServiceVersion
from onestop.core.errors import InvalidInput
from onestop.core.models import CountryProfile
from onestop.core.workdays import WorkingCalendar

from .models import Tier


@dataclass(frozen=True)
class Deadlines:
    working_days: int
    due_at: datetime
    warn_at: datetime


@dataclass(frozen=True)
class PackCalendar:
    calendar: WorkingCalendar
    zone: ZoneInfo

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def end_of(self, day: date) -> datetime:
        """The first instant after `day` in the pack's time zone (the end of that day)."""
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.zone)


def pack_calendar() -> PackCalendar:
    """The working-day calendar and time zone of the loaded pack (one query); without a pack,
    Monday to Friday without holidays in the server's time zone."""
    row = CountryProfile.objects.filter(id=1).values_list("calendar", "time_zone").first()
    if row is None:
        return PackCalendar(WorkingCalendar(), ZoneInfo(settings.TIME_ZONE))
    calendar, zone = row
    return PackCalendar(WorkingCalendar.from_pack(calendar or {}), ZoneInfo(zone or "UTC"))


def working_days_for(*, version: ServiceVersion, tier: str) -> int:
    """The statutory working days: the express ones for the express tier when the version
    offers it. Asking for express where it is not offered is InvalidInput on `tier`."""
    if tier == Tier.EXPRESS:
        if version.express_processing_days is None:
            raise InvalidInput(
                _("This service has no express option; choose the standard processing."),
                code="express_not_offered",
                field="tier",
            )
        return version.express_processing_days
    return version.processing_days


def warning_share() -> float:
    share = float(getattr(settings, "ONESTOP_SLA_WARNING_SHARE", 0.75))
    return min(max(share, 0.0), 1.0)


def task_deadlines(
    *,
    version: ServiceVersion,
    tier: str,
    start: datetime,
    calendar: PackCalendar | None = None,
) -> Deadlines:
    """The deadlines of a task started at `start`. Pass `calendar` when computing several at
    once (a bundle) to read the pack's calendar only once."""
    calendar = calendar or pack_calendar()
    days = working_days_for(version=version, tier=tier)
    last_day = calendar.calendar.add_working_days(calendar.local_date(start), days)
    due_at = calendar.end_of(last_day)
    warn_at = start + (due_at - start) * warning_share()
    return Deadlines(working_days=days, due_at=due_at, warn_at=warn_at)
