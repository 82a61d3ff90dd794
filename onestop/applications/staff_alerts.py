"""What staff are told by the SLA watch (sla.py): an e-mail to the task's assignee when its
warning share of the time has run out, and to each supervisor of its agency at the breach.

A task nobody has claimed by its warning is the one most likely to breach unseen, so its warning
goes to each supervisor of its agency instead (`task_unclaimed_warning`: have someone claim it).
The supervisors are those the event names, the agency's at the moment of the warning; a task
claimed between the warning and its delivery still has them told. When the agency has no active
supervisor, nobody is written to and that is logged by task id and agency code.

Each recipient gets one message per task and kind: the idempotency key is task + kind +
recipient, so a redelivered event, or a task warned again after its deadline moved, sends
nothing more. The address is the staff user's e-mail; a staff user without one is skipped (and
that is logged by user id, without personal data). The language is the one saved as the
recipient's preference for that address, else the pack's first.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from onestop.core.contacts import email_normalise
from onestop.core.errors import InvalidInput
from onestop.core.models import DomainEvent
from onestop.core.subscriptions import subscriber
from onestop.core.text import pick
from onestop.notifications.selectors import recipient_preference_get
from onestop.notifications.services import default_language, notification_request

from .lookup import clock_date
from .models import AgencyTask

SENDER = "system:staff-alerts"
STAFF_LABEL = "staff:"
logger = logging.getLogger(__name__)


def task_url(task: AgencyTask) -> str:
    """The console's case page; the console adds the reader's language prefix."""
    return f"{settings.ONESTOP_PUBLIC_URL}/console/tasks/{task.pk}/"


def _task(event: DomainEvent) -> AgencyTask:
    return AgencyTask.objects.select_related("application", "service_version", "agency").get(
        pk=event.payload["task"]
    )


def _staff(labels: Iterable[str]) -> list[AbstractBaseUser]:
    usernames = [label.removeprefix(STAFF_LABEL) for label in labels if label]
    users = get_user_model().objects.filter(username__in=usernames, is_active=True)
    return sorted(users, key=lambda user: user.get_username())


def _address(user: AbstractBaseUser, kind: str, task: AgencyTask) -> str:
    try:
        return email_normalise(getattr(user, "email", "") or "")
    except InvalidInput:
        logger.warning(
            "staff alert %s for task %s skipped: staff user %s has no usable e-mail address",
            kind,
            task.pk,
            user.pk,
        )
        return ""


def _language(address: str) -> str:
    preference = recipient_preference_get(contact=address)
    return (preference.language if preference else "") or default_language()


def _alert(event: DomainEvent, kind: str, users: Iterable[AbstractBaseUser]) -> None:
    task = _task(event)
    due_on = clock_date(datetime.fromisoformat(event.payload["due_at"])).isoformat()
    for user in users:
        address = _address(user, kind, task)
        if not address:
            continue
        language = _language(address)
        notification_request(
            actor=SENDER,
            kind=kind,
            recipient=address,
            channels=["email"],
            language=language,
            context={
                "recipient_name": getattr(user, "get_full_name", lambda: "")()
                or user.get_username(),
                "tracking_number": task.application.tracking_number,
                "service_name": pick(task.service_version.name, language),
                "due_on": due_on,
                "task_url": task_url(task),
            },
            idempotency_key=f"staff-alert:{task.pk}:{kind}:{user.pk}",
            agency=task.agency.code,
        )


@subscriber("task.sla_warning", name="applications.staff_alert_sla_warning")
def sla_warning_alert(event: DomainEvent) -> None:
    assignee = event.payload.get("assignee", "")
    if assignee:
        _alert(event, "task_sla_warning", _staff([assignee]))
        return
    supervisors = _staff(event.payload.get("supervisors", []))
    if not supervisors:
        logger.warning(
            "staff alert task_unclaimed_warning for task %s not sent: agency %s has no active "
            "supervisor",
            event.payload["task"],
            event.payload["agency"],
        )
        return
    _alert(event, "task_unclaimed_warning", supervisors)


@subscriber("task.escalated", name="applications.staff_alert_escalated")
def escalation_alert(event: DomainEvent) -> None:
    _alert(event, "task_escalated", _staff(event.payload.get("supervisors", [])))
