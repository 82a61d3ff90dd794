"""Public lookup of an application by tracking number and a second factor, and the SMS
`STATUS <number>` answer.

The second factor is the applicant's date of birth (kept at submission) or the last four digits
of the contact phone. An unknown number and a wrong factor get the same answer. Failed attempts
are counted in the database per number and per client (keyed digests, never the raw values), so
the limit holds across a cluster: ONESTOP_LOOKUP_MAX_FAILURES per number and
ONESTOP_LOOKUP_MAX_CLIENT_FAILURES per client within ONESTOP_LOOKUP_WINDOW_MINUTES.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Min
from django.utils import formats
from django.utils.translation import gettext as _

from onestop.core import clock
from onestop.core.errors import DomainError, NotFound
from onestop.core.text import pick

from .deadlines import pack_calendar
from .models import OPEN_TASK_STATES, AgencyTask, Application, LookupAttempt
from .selectors import status_label, task_state_label
from .tracking import tracking_number_parse


class TooManyAttempts(DomainError):
    code = "too_many_attempts"
    status = 429


@dataclass(frozen=True)
class LookupTask:
    service: str
    state_label: str
    due_on: date


@dataclass(frozen=True)
class LookupView:
    """What the factor proves: the status and deadlines, no personal data."""

    tracking_number: str
    status: str
    status_label: str
    submitted_on: date
    next_due_on: date | None
    tasks: list[LookupTask]


def _window() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "ONESTOP_LOOKUP_WINDOW_MINUTES", 15)))


def _digest(scope: str, value: str) -> str:
    key = f"lookup:{scope}:{settings.SECRET_KEY}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def _failures(scope: str, digest: str, since: datetime) -> int:
    return LookupAttempt.objects.filter(
        scope=scope, key_digest=digest, attempted_at__gte=since
    ).count()


def application_lookup(
    *,
    tracking_number: str,
    client_ip: str,
    birth_date: date | None = None,
    phone_last_digits: str = "",
) -> LookupView:
    """The status view, or NotFound (unknown number and wrong factor alike), or
    TooManyAttempts once the number or the client failed too often lately."""
    number = tracking_number_parse(tracking_number) or (tracking_number or "").strip().upper()
    keys = {"number": _digest("number", number), "client": _digest("client", client_ip or "")}
    now = clock.now()
    since = now - _window()
    limits = {
        "number": int(getattr(settings, "ONESTOP_LOOKUP_MAX_FAILURES", 5)),
        "client": int(getattr(settings, "ONESTOP_LOOKUP_MAX_CLIENT_FAILURES", 30)),
    }
    if any(_failures(scope, keys[scope], since) >= limits[scope] for scope in keys):
        raise TooManyAttempts(
            _("Too many attempts. Wait %(minutes)s minutes and try again.")
            % {"minutes": int(_window().total_seconds() // 60)}
        )
    application = Application.objects.filter(tracking_number=number).first()
    if application is None or not _factor_matches(application, birth_date, phone_last_digits):
        LookupAttempt.objects.bulk_create(
            [LookupAttempt(scope=scope, key_digest=keys[scope], attempted_at=now) for scope in keys]
        )
        raise NotFound(
            _(
                "We found no application with this tracking number and these details. Check "
                "both and try again."
            ),
            code="application_not_found",
        )
    return _view(application)


def _factor_matches(application: Application, birth_date: date | None, digits: str) -> bool:
    digits = "".join(ch for ch in (digits or "") if ch.isdigit())
    if birth_date is not None and application.applicant_birth_date is not None:
        return birth_date == application.applicant_birth_date
    if len(digits) == 4 and len(application.contact_phone) >= 4:
        return hmac.compare_digest(digits, application.contact_phone[-4:])
    return False


def _view(application: Application) -> LookupView:
    tasks = list(
        AgencyTask.objects.filter(application=application)
        .select_related("service_version")
        .order_by("created_at", "id")
    )
    calendar = pack_calendar()
    open_due = [task.due_at for task in tasks if task.state in OPEN_TASK_STATES]
    return LookupView(
        tracking_number=application.tracking_number,
        status=application.status,
        status_label=status_label(application.status),
        submitted_on=calendar.local_date(application.submitted_at),
        next_due_on=calendar.local_date(min(open_due)) if open_due else None,
        tasks=[
            LookupTask(
                pick(task.service_version.name),
                task_state_label(task.state),
                calendar.local_date(task.due_at),
            )
            for task in tasks
        ],
    )


def clock_date(moment: datetime) -> date:
    """The date of `moment` in the pack's time zone."""
    return pack_calendar().local_date(moment)


def lookup_attempts_forget(*, older_than: timedelta | None = None) -> int:
    """Delete failed attempts older than the window (a periodic job)."""
    cutoff = clock.now() - (older_than or _window())
    deleted, _rows = LookupAttempt.objects.filter(attempted_at__lt=cutoff).delete()
    return deleted


# --- SMS ---------------------------------------------------------------------------------------


def tracking_sms_answer(*, tracking_number: str, phone: str) -> str | None:
    """The answer to `STATUS <number>` in the active language, when the sender's phone is the
    application's contact phone; None otherwise (the same "not found" as an unknown number)."""
    number = tracking_number_parse(tracking_number)
    if number is None:
        return None
    application = Application.objects.filter(tracking_number=number).first()
    if application is None or not phone or application.contact_phone != phone:
        return None
    due = AgencyTask.objects.filter(application=application, state__in=OPEN_TASK_STATES).aggregate(
        first=Min("due_at")
    )["first"]
    text = _("Application %(number)s: %(status)s.") % {
        "number": number,
        "status": status_label(application.status),
    }
    if due is not None:
        text += " " + _("Next deadline: %(date)s.") % {
            "date": formats.date_format(clock_date(due), "SHORT_DATE_FORMAT")
        }
    return text
