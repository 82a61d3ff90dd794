"""What the applicant is told about the casework: an information request, a decision, an
output ready. Each handler runs as a background task after the transition committed, so a slow
provider never holds an officer's click; the event id keys the message (at-least-once delivery
sends it once).

An approval whose output is issued at once is told as "document ready" only (one message, not
two); a rejection, or an approval whose output waits for the rest of its bundle, as "decision".
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _

from onestop.core.models import DomainEvent
from onestop.core.subscriptions import subscriber
from onestop.core.text import pick
from onestop.notifications.services import notification_request

from . import sla  # noqa: F401  (the SLA job registers with every worker that loads subscribers)
from .decisions import decision_reason_label
from .models import AgencyTask, Application, OutputRecord

SENDER = "system:casework"


def track_url(application: Application) -> str:
    return f"{settings.ONESTOP_PUBLIC_URL}/track/{application.tracking_number}"


def _recipient(application: Application) -> str:
    account = application.applicant_account
    return (
        application.contact_phone
        or application.contact_email
        or (account.contact if account is not None and account.contact else "")
    )


def _task(event: DomainEvent) -> AgencyTask:
    return AgencyTask.objects.select_related(
        "application__applicant_account", "service_version", "agency"
    ).get(pk=event.payload["task"])


def _notify(event: DomainEvent, task: AgencyTask, kind: str, context: dict[str, Any]) -> None:
    application = task.application
    recipient = _recipient(application)
    if not recipient:
        return  # nobody to reach: the portal's tracking page still shows it
    form = application.form_data
    notification_request(
        actor=SENDER,
        kind=kind,
        recipient=recipient,
        language=application.language,
        context={
            "recipient_name": form.get("given_name") or form.get("full_name") or "",
            "tracking_number": application.tracking_number,
            "track_url": track_url(application),
            **context,
        },
        idempotency_key=f"event:{event.pk}:{kind}",
        person=application.applicant_national_id,
        agency=task.agency.code,
    )


def _date(value: str, language: str) -> str:
    with translation.override(language):
        return str(formats.date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT"))


@subscriber("task.information_requested", name="applications.notify_information_requested")
def information_requested_notify(event: DomainEvent) -> None:
    task = _task(event)
    language = task.application.language
    _notify(
        event,
        task,
        "information_requested",
        {
            "service_name": pick(task.service_version.name, language),
            "request_text": event.payload["reason_text"],
            "respond_by": _date(event.payload["respond_by"], language),
        },
    )


@subscriber("task.decided", name="applications.notify_decided")
def decision_notify(event: DomainEvent) -> None:
    if event.payload.get("is_output_following"):
        return
    task = _task(event)
    language = task.application.language
    is_approval = event.payload["decision"] == "approve"
    with translation.override(language):
        decision = _("approved") if is_approval else _("rejected")
    _notify(
        event,
        task,
        "decision_made",
        {
            "service_name": pick(task.service_version.name, language),
            "decision": decision,
            "reason": decision_reason_label(code=event.payload["reason_code"], language=language),
            "appeal_text": "" if is_approval else pick(task.service_version.appeal, language),
        },
    )


@subscriber("task.output_issued", name="applications.notify_output_issued")
def output_ready_notify(event: DomainEvent) -> None:
    task = _task(event)
    output = OutputRecord.objects.get(pk=event.payload["output"])
    language = task.application.language
    with translation.override(language):
        validity = (
            _date(output.valid_until.isoformat(), language)
            if output.valid_until
            else _("no end date")
        )
        collect_at = _("%(agency)s, or your document space in the portal") % {
            "agency": pick(task.agency.name, language)
        }
    _notify(
        event,
        task,
        "document_ready",
        {
            "document_name": pick(output.name, language),
            "collect_at": collect_at,
            "valid_until": validity,
        },
    )
